import Glibc
import OCISpec

/// /dev inside the container: runc's default nodes, the config's devices, and the
/// standard symlinks. In a user namespace mknod is not allowed: host nodes are bind-mounted.
struct DevicePlanner {
    let rootfs: String
    let spec: Spec
    let userNamespace: Bool
    /// runc links /dev/core only when the host has /proc/kcore (kernels without
    /// CONFIG_PROC_KCORE would get a dangling link).
    let hostHasKcore: Bool

    private static let defaults: [(name: String, major: UInt32, minor: UInt32)] = [
        ("null", 1, 3), ("zero", 1, 5), ("full", 1, 7), ("random", 1, 8), ("urandom", 1, 9), ("tty", 5, 0)
    ]

    let host: any PlannerHost

    init(rootfs: String, spec: Spec, userNamespace: Bool, host: any PlannerHost = LiveHost(), hostHasKcore: Bool? = nil) throws {
        self.rootfs = rootfs
        self.spec = spec
        self.userNamespace = userNamespace
        self.host = host
        self.hostHasKcore = hostHasKcore ?? host.exists("/proc/kcore")
    }

    /// runc leaves /dev alone when the config bind-mounts the host's /dev.
    private var devIsBindMounted: Bool {
        (spec.mounts ?? []).contains { m in
            m.destination == "/dev" && (m.type == "bind" || (m.options ?? []).contains { $0 == "bind" || $0 == "rbind" })
        }
    }

    func devices() throws -> [LaunchPlan.PlannedDevice] {
        guard !devIsBindMounted else { return [] }
        var planned: [LaunchPlan.PlannedDevice] = []
        let configured = spec.linux?.devices ?? []
        for d in Self.defaults where !configured.contains(where: { $0.path == "/dev/" + d.name }) {
            planned.append(try node(path: "/dev/" + d.name, mode: S_IFCHR | 0o666, major: d.major, minor: d.minor, uid: 0, gid: 0))
        }
        for (i, d) in configured.enumerated() {
            let type: mode_t =
                switch d.type {
                case "b": S_IFBLK
                case "p": S_IFIFO
                default: S_IFCHR
                }
            planned.append(
                try node(
                    path: d.path, mode: type | mode_t(d.fileMode ?? 0o666),
                    major: try narrowed(d.major ?? 0, "linux.devices[\(i)].major"),
                    minor: try narrowed(d.minor ?? 0, "linux.devices[\(i)].minor"),
                    uid: d.uid ?? 0, gid: d.gid ?? 0))
        }
        return planned
    }

    private func node(path: String, mode: mode_t, major: UInt32, minor: UInt32, uid: UInt32, gid: UInt32) throws -> LaunchPlan.PlannedDevice
    {
        LaunchPlan.PlannedDevice(
            path: try SecureJoin.resolve(rootfs: rootfs, path, host: host),
            bindSource: userNamespace && mode & S_IFMT != S_IFIFO ? path : nil,
            mode: mode, major: major, minor: minor, uid: uid, gid: gid)
    }

    func symlinks(mounts: [LaunchPlan.PlannedMount]) throws -> [(target: String, link: String)] {
        guard !devIsBindMounted else { return [] }
        var links: [(String, String)] = [
            ("/proc/self/fd", "/dev/fd"), ("/proc/self/fd/0", "/dev/stdin"),
            ("/proc/self/fd/1", "/dev/stdout"), ("/proc/self/fd/2", "/dev/stderr")
        ]
        if hostHasKcore, host.exists(rootfs + "/proc") || (spec.mounts ?? []).contains(where: { $0.destination == "/proc" }) {
            links.append(("/proc/kcore", "/dev/core"))
        }
        // With a devpts instance of its own, /dev/ptmx must be its ptmx (runc's setupPtmx).
        if (spec.mounts ?? []).contains(where: { $0.destination == "/dev/pts" }) {
            links.append(("pts/ptmx", "/dev/ptmx"))
        }
        return try links.map { ($0.0, try SecureJoin.resolve(rootfs: rootfs, $0.1, host: host)) }
    }
}
