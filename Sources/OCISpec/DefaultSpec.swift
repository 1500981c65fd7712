extension Spec {
    /// The config `runtime spec` writes: runc's `spec` (libcontainer/specconv/example.go)
    /// with hostname "runtime". `rootless` applies runc's `spec --rootless` changes: a
    /// user namespace mapping container root to `uid`/`gid` (pass the caller's euid and
    /// egid), no network namespace, /sys bind-mounted from the host, no `uid=`/`gid=`
    /// mount options, no cgroup mount and no resources.
    public static func defaultSpec(rootless: Bool, uid: UInt32 = 0, gid: UInt32 = 0) -> Spec {
        let caps = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]
        var spec = Spec(
            ociVersion: Spec.version,
            process: Process(
                terminal: true,
                user: User(uid: 0, gid: 0),
                args: ["sh"],
                env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"],
                cwd: "/",
                capabilities: LinuxCapabilities(bounding: caps, effective: caps, permitted: caps),
                rlimits: [POSIXRlimit(type: "RLIMIT_NOFILE", hard: 1024, soft: 1024)],
                noNewPrivileges: true),
            root: Root(path: "rootfs", readonly: true),
            hostname: "runtime",
            mounts: [
                Mount(destination: "/proc", type: "proc", source: "proc"),
                Mount(
                    destination: "/dev", type: "tmpfs", source: "tmpfs",
                    options: ["nosuid", "strictatime", "mode=755", "size=65536k"]),
                Mount(
                    destination: "/dev/pts", type: "devpts", source: "devpts",
                    options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]),
                Mount(
                    destination: "/dev/shm", type: "tmpfs", source: "shm",
                    options: ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]),
                Mount(
                    destination: "/dev/mqueue", type: "mqueue", source: "mqueue",
                    options: ["nosuid", "noexec", "nodev"]),
                Mount(
                    destination: "/sys", type: "sysfs", source: "sysfs",
                    options: ["nosuid", "noexec", "nodev", "ro"]),
                Mount(
                    destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup",
                    options: ["nosuid", "noexec", "nodev", "relatime", "ro"])
            ],
            linux: Linux(
                resources: LinuxResources(devices: [LinuxDeviceCgroup(allow: false, access: "rwm")]),
                namespaces: ["pid", "network", "ipc", "uts", "mount", "cgroup"].map { LinuxNamespace(type: $0) },
                maskedPaths: [
                    "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                    "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware",
                    "/proc/scsi", "/sys/devices/virtual/tpm"
                ],
                readonlyPaths: ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]))
        if rootless {
            spec.makeRootless(uid: uid, gid: gid)
        }
        return spec
    }

    private mutating func makeRootless(uid: UInt32, gid: UInt32) {
        var namespaces = linux?.namespaces?.filter { $0.type != "network" && $0.type != "user" } ?? []
        namespaces.append(LinuxNamespace(type: "user"))
        linux?.namespaces = namespaces
        linux?.uidMappings = [LinuxIDMapping(containerID: 0, hostID: uid, size: 1)]
        linux?.gidMappings = [LinuxIDMapping(containerID: 0, hostID: gid, size: 1)]
        linux?.resources = nil
        mounts = mounts?.compactMap { mount -> Mount? in
            switch mount.destination {
            case "/sys":
                // Without a network namespace of its own, sysfs cannot be mounted fresh.
                return Mount(
                    destination: "/sys", type: "none", source: "/sys",
                    options: ["rbind", "nosuid", "noexec", "nodev", "ro"])
            case "/sys/fs/cgroup":
                return nil
            default:
                var mount = mount
                // Only one id is mapped: gid=5 (tty) does not exist in the container.
                mount.options = mount.options?.filter { !$0.hasPrefix("gid=") && !$0.hasPrefix("uid=") }
                return mount
            }
        }
    }
}
