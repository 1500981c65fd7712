import CShim
import Glibc
import OCISpec
import Testing
@testable import ContainerCore

/// Spec → LaunchPlan: every decision the C child later executes, checked before any clone().
@Suite struct PlannerTests {
    static func spec(
        namespaces: [String] = [], mounts: [Mount]? = nil, process: Process = Process(args: ["/bin/true"]),
        linux: (inout Linux) -> Void = { _ in }
    ) -> Spec {
        var l = Linux(namespaces: namespaces.map { LinuxNamespace(type: $0) })
        linux(&l)
        // Without a new mount namespace a root other than "/" is a chroot (see noMountNamespace…).
        let newMountNamespace = (l.namespaces ?? []).contains { $0.type == "mount" && ($0.path ?? "").isEmpty }
        return Spec(process: process, root: Root(path: newMountNamespace ? "rootfs" : "/"), mounts: mounts, linux: l)
    }

    /// Issue 9 §5: no new mount namespace means no pivot_root; a root.path other than "/" was
    /// silently ignored and the process ran on the host's root. Now it is the chroot.
    @Test func noMountNamespaceChrootsIntoARootOtherThanSlash() throws {
        var spec = Self.spec(namespaces: ["pid"])
        #expect(try Self.plan(spec).chrootPath == nil)
        spec.root = Root(path: "/tmp")
        #expect(try Self.plan(spec).chrootPath == "/tmp")
        spec.linux?.namespaces = [LinuxNamespace(type: "mount")]
        #expect(try Self.plan(spec).chrootPath == nil)
    }

    /// A mount namespace joined by path gets the set-up of a new one, in it: the config's
    /// mounts and pivot_root (config.md: the runtime MUST mount the entries; runc does). It was
    /// a bare chroot, without /proc or any other mount.
    @Test func joinedMountNamespaceGetsTheMounts() throws {
        var spec = Self.spec(
            namespaces: [], mounts: [Mount(destination: "/proc", type: "proc", source: "proc")])
        spec.root = Root(path: "/tmp")
        spec.linux?.namespaces = [LinuxNamespace(type: "mount", path: "/proc/1/ns/mnt")]
        let p = try Self.plan(spec)
        #expect(p.chrootPath == nil)
        #expect(p.setupRootfs)
        #expect(p.mounts.map(\.dest) == ["/proc"])
        #expect(p.joins.map(\.type) == [Int32(SHIM_CLONE_NEWNS)])
        #expect(p.cloneFlags & Int32(SHIM_CLONE_NEWNS) == 0)
        #expect(p.mountsBeforeRelease == 0)  // made after the join
    }

    static func plan(_ spec: Spec, bundle: String = "/nonexistent-bundle") throws -> LaunchPlan {
        try Planner(spec: spec, bundle: bundle).plan()
    }

    // MARK: namespaces

    @Test func newNamespacesBecomeCloneFlags() throws {
        let p = try Self.plan(Self.spec(namespaces: ["pid", "network", "ipc", "uts", "mount", "cgroup", "user"]))
        let expected =
            Int32(SHIM_CLONE_NEWPID) | Int32(SHIM_CLONE_NEWNET) | Int32(SHIM_CLONE_NEWIPC)
            | Int32(SHIM_CLONE_NEWUTS) | Int32(SHIM_CLONE_NEWNS) | Int32(SHIM_CLONE_NEWUSER)
        #expect(p.cloneFlags == expected)
        #expect(p.joins.isEmpty)
        #expect(p.pidNamespaceJoin == nil)
        #expect(!p.newTimeNamespace)
    }

    /// As runc does: the cgroup namespace is unshared once the init sits in its cgroup, so
    /// that cgroup is the namespace's root; a clone flag would root it at the runtime's.
    @Test func cgroupNamespaceIsUnsharedAfterPlacement() throws {
        let p = try Self.plan(Self.spec(namespaces: ["cgroup", "pid"]))
        #expect(p.cloneFlags == Int32(SHIM_CLONE_NEWPID))
        #expect(p.unshareCgroupNamespace)
        #expect(try !Self.plan(Self.spec(namespaces: ["pid"])).unshareCgroupNamespace)
        let joined = try Self.plan(Self.spec { $0.namespaces = [LinuxNamespace(type: "cgroup", path: "/proc/1/ns/cgroup")] })
        #expect(!joined.unshareCgroupNamespace)
        #expect(joined.joins.map(\.type) == [Int32(SHIM_CLONE_NEWCGROUP)])
    }

    @Test func noNamespacesNoFlagsNoRootfsSetup() throws {
        let p = try Self.plan(Self.spec())
        #expect(p.cloneFlags == 0)
        #expect(!p.setupRootfs)
        #expect(p.mounts.isEmpty && p.devices.isEmpty)
    }

    /// A time namespace is unshared in the parent (clone(2) has no CLONE_NEWTIME for it).
    @Test func timeNamespaceIsNotACloneFlag() throws {
        let p = try Self.plan(
            Self.spec(namespaces: ["time"]) {
                $0.timeOffsets = ["monotonic": LinuxTimeOffset(secs: 10, nanosecs: 5), "boottime": LinuxTimeOffset(secs: -3)]
            })
        #expect(p.cloneFlags & Int32(SHIM_CLONE_NEWTIME) == 0)
        #expect(p.newTimeNamespace)
        #expect(p.timeOffsets == "boottime -3 0\nmonotonic 10 5")
    }

    @Test func pathsAreJoinedUserFirstAndPidInTheParent() throws {
        let spec = Self.spec { l in
            l.namespaces = [
                LinuxNamespace(type: "network", path: "/proc/1/ns/net"),
                LinuxNamespace(type: "pid", path: "/proc/1/ns/pid"),
                LinuxNamespace(type: "ipc", path: "/proc/1/ns/ipc"),
                LinuxNamespace(type: "user", path: "/proc/1/ns/user"),
                LinuxNamespace(type: "uts")
            ]
        }
        let p = try Self.plan(spec)
        #expect(p.joins.map(\.path) == ["/proc/1/ns/user", "/proc/1/ns/net", "/proc/1/ns/ipc"])
        #expect(p.joins.map(\.type) == [Int32(SHIM_CLONE_NEWUSER), Int32(SHIM_CLONE_NEWNET), Int32(SHIM_CLONE_NEWIPC)])
        // Joining a pid namespace affects only children: the parent does it around clone().
        #expect(p.pidNamespaceJoin == "/proc/1/ns/pid")
        #expect(p.cloneFlags == Int32(SHIM_CLONE_NEWUTS))
    }

    @Test func emptyPathMeansANewNamespace() throws {
        let p = try Self.plan(Self.spec { $0.namespaces = [LinuxNamespace(type: "ipc", path: "")] })
        #expect(p.cloneFlags == Int32(SHIM_CLONE_NEWIPC))
        #expect(p.joins.isEmpty)
    }

    /// An early stage 0 makes the announced namespaces before the plan exists, and refuses a
    /// plan that lacks any of them: the announcement must be a subset of the plan's flags,
    /// and empty when a user namespace (which must own the others) is made or joined.
    @Test func earlyNamespacesAreTheNewNetworkIPCAndUTSOfThePlan() throws {
        let net = Int32(SHIM_CLONE_NEWNET)
        let ipc = Int32(SHIM_CLONE_NEWIPC)
        let uts = Int32(SHIM_CLONE_NEWUTS)
        let cases: [([LinuxNamespace], Int32)] = [
            (["pid", "network", "ipc", "uts", "mount", "cgroup"].map { LinuxNamespace(type: $0) }, net | ipc | uts),
            ([LinuxNamespace(type: "network", path: "/proc/1/ns/net"), LinuxNamespace(type: "ipc", path: "")], ipc),
            ([LinuxNamespace(type: "uts"), LinuxNamespace(type: "mount"), LinuxNamespace(type: "time")], uts),
            (["network", "user"].map { LinuxNamespace(type: $0) }, 0),
            ([LinuxNamespace(type: "network"), LinuxNamespace(type: "user", path: "/proc/1/ns/user")], 0),
            ([], 0)
        ]
        for (namespaces, expected) in cases {
            let spec = Self.spec { $0.namespaces = namespaces }
            let early = Planner.earlyCloneFlags(spec)
            #expect(early == expected, "\(namespaces.map(\.type))")
            #expect(early & ~(try Self.plan(spec).cloneFlags) == 0)
        }
    }

    @Test func idMapsAreWrittenAsProcText() throws {
        let p = try Self.plan(
            Self.spec(namespaces: ["user"]) {
                $0.uidMappings = [
                    LinuxIDMapping(containerID: 0, hostID: 1000, size: 1),
                    LinuxIDMapping(containerID: 1, hostID: 100000, size: 65536)
                ]
                $0.gidMappings = [LinuxIDMapping(containerID: 0, hostID: 2000, size: 10)]
            })
        #expect(p.uidMap == "0 1000 1\n1 100000 65536\n")
        #expect(p.gidMap == "0 2000 10\n")
        #expect(p.becomeRoot)
    }

    @Test func noRootMappingNoBecomeRoot() throws {
        let p = try Self.plan(
            Self.spec(namespaces: ["user"]) {
                $0.uidMappings = [LinuxIDMapping(containerID: 0, hostID: 1000, size: 1)]
                $0.gidMappings = [LinuxIDMapping(containerID: 5, hostID: 2000, size: 1)]
            })
        #expect(!p.becomeRoot)
    }

    @Test func idMapsOnlyWithANewUserNamespace() throws {
        let p = try Self.plan(
            Self.spec(namespaces: ["pid"]) {
                $0.uidMappings = [LinuxIDMapping(containerID: 0, hostID: 1000, size: 1)]
                $0.gidMappings = [LinuxIDMapping(containerID: 0, hostID: 1000, size: 1)]
            })
        #expect(p.uidMap == nil && p.gidMap == nil)
        #expect(!p.becomeRoot)
    }

    @Test func hostnameOnlyWithAUTSNamespace() throws {
        var spec = Self.spec(namespaces: ["uts"])
        spec.hostname = "box"
        spec.domainname = "example.org"
        let with = try Self.plan(spec)
        #expect(with.hostname == "box")
        #expect(with.domainname == "example.org")
        // A joined one too (runc sets them in it; the validator needs a uts entry either way).
        spec.linux?.namespaces = [LinuxNamespace(type: "uts", path: "/proc/1/ns/uts")]
        #expect(try Self.plan(spec).hostname == "box")
        spec.linux?.namespaces = [LinuxNamespace(type: "pid")]
        let without = try Self.plan(spec)
        #expect(without.hostname == nil)
        #expect(without.domainname == nil)
    }

    // MARK: mounts

    @Test func bindMountOfAFile() throws {
        let t = try TempDir()
        let source = try t.file("host/resolv.conf", "nameserver 1.1.1.1\n")
        let spec = Self.spec(
            namespaces: ["mount"],
            mounts: [
                Mount(destination: "/etc/resolv.conf", type: "bind", source: source, options: ["ro", "nosuid", "rprivate"])
            ])
        let p = try Self.plan(spec, bundle: t.path)
        let m = try #require(p.mounts.first)
        #expect(p.mounts.count == 1)
        #expect(m.source == source)
        #expect(m.target == t.path + "/rootfs/etc/resolv.conf")
        #expect(m.fstype == nil)
        #expect(m.data == nil)
        // A bind ignores other flags: they go to the remount.
        #expect(m.flags == UInt(MS_BIND))
        #expect(m.remountFlags == UInt(MS_RDONLY | MS_NOSUID))
        #expect(m.propagation == UInt(MS_PRIVATE | MS_REC))
        #expect(m.makeFile)
    }

    @Test func rbindOfADirectory() throws {
        let t = try TempDir()
        let source = try t.dir("host/data")
        let spec = Self.spec(
            namespaces: ["mount"],
            mounts: [
                Mount(destination: "/data", type: "none", source: source, options: ["rbind", "rw"])
            ])
        let m = try #require(try Self.plan(spec, bundle: t.path).mounts.first)
        #expect(m.flags == UInt(MS_BIND | MS_REC))
        #expect(m.remountFlags == 0)
        #expect(!m.makeFile)
        #expect(m.source == source)
    }

    /// config.md: a relative source is relative to the bundle.
    @Test func relativeBindSourceIsResolvedAgainstTheBundle() throws {
        let t = try TempDir()
        try t.dir("shared")
        let spec = Self.spec(
            namespaces: ["mount"],
            mounts: [
                Mount(destination: "/shared", type: "bind", source: "shared", options: ["bind"])
            ])
        let m = try #require(try Self.plan(spec, bundle: t.path).mounts.first)
        #expect(FileIO.normalize(m.source ?? "") == t.path + "/shared")
        #expect(!m.makeFile)
    }

    @Test func filesystemMountKeepsTypeFlagsAndData() throws {
        let t = try TempDir()
        let spec = Self.spec(
            namespaces: ["mount"],
            mounts: [
                Mount(destination: "/dev", type: "tmpfs", source: "tmpfs", options: ["nosuid", "strictatime", "mode=755", "size=65536k"])
            ])
        let m = try #require(try Self.plan(spec, bundle: t.path).mounts.first)
        #expect(m.source == "tmpfs")
        #expect(m.fstype == "tmpfs")
        #expect(m.flags == UInt(MS_NOSUID | MS_STRICTATIME))
        #expect(m.data == "mode=755,size=65536k")
        #expect(m.remountFlags == 0)
        #expect(m.target == t.path + "/rootfs/dev")
    }

    /// The init makes the leading pseudo filesystems while the parent still makes the cgroups;
    /// a bind (a host path), a cgroup mount (its directories do not exist yet) and everything
    /// after them wait for the release, as do all mounts when a user namespace needs its id
    /// maps or a namespace is joined first.
    @Test func onlyLeadingPseudoFilesystemsAreMountedBeforeTheRelease() throws {
        let t = try TempDir()
        let source = try t.dir("host/data")
        let pseudo = [
            Mount(destination: "/proc", type: "proc", source: "proc"),
            Mount(destination: "/dev", type: "tmpfs", source: "tmpfs", options: ["nosuid", "mode=755"]),
            Mount(destination: "/dev/pts", type: "devpts", source: "devpts", options: ["newinstance"]),
            Mount(destination: "/sys", type: "sysfs", source: "sysfs", options: ["ro"])
        ]
        let bind = Mount(destination: "/data", type: "bind", source: source, options: ["rbind"])
        let mqueue = Mount(destination: "/dev/mqueue", type: "mqueue", source: "mqueue")
        let cases: [([String], [Mount], Int)] = [
            (["mount", "pid", "network"], pseudo + [bind, mqueue], 4),
            (["mount"], [bind] + pseudo, 0),
            (["mount", "user"], pseudo, 0),
            (["pid"], pseudo, 0)
        ]
        for (namespaces, mounts, expected) in cases {
            let spec = Self.spec(namespaces: namespaces, mounts: mounts)
            #expect(try Self.plan(spec, bundle: t.path).mountsBeforeRelease == expected, "\(namespaces) \(mounts.map(\.destination))")
        }
        var joined = Self.spec(namespaces: ["mount"], mounts: pseudo)
        joined.linux?.namespaces?.append(LinuxNamespace(type: "network", path: "/proc/1/ns/net"))
        #expect(try Self.plan(joined, bundle: t.path).mountsBeforeRelease == 0)
        // A cgroup mount becomes this host's kind of mounts (a tmpfs and v1 hierarchies, or
        // cgroup2): none of its cgroup filesystems is made before the release.
        let cgroup = Mount(destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup", options: ["ro"])
        let plan = try Self.plan(Self.spec(namespaces: ["mount"], mounts: pseudo + [cgroup, mqueue]), bundle: t.path)
        #expect(plan.mountsBeforeRelease >= 4 && plan.mountsBeforeRelease < plan.mounts.count)
        #expect(plan.mounts.prefix(plan.mountsBeforeRelease).allSatisfy { $0.fstype != "cgroup" && $0.fstype != "cgroup2" })
        #expect(
            plan.mounts.dropFirst(plan.mountsBeforeRelease).contains { $0.fstype == "cgroup" || $0.fstype == "cgroup2" || $0.fstype == nil }
        )
    }

    @Test func mountTargetsAreResolvedInsideTheRootfs() throws {
        let t = try TempDir()
        try t.dir("rootfs")
        try t.symlink("rootfs/etc", to: "/tmp/somewhere-on-the-host")
        let spec = Self.spec(namespaces: ["mount"], mounts: [Mount(destination: "/etc/foo", type: "tmpfs", source: "tmpfs")])
        let m = try #require(try Self.plan(spec, bundle: t.path).mounts.first)
        #expect(m.target == t.path + "/rootfs/tmp/somewhere-on-the-host/foo")
    }

    /// "rro" (config.md, recursive read-only) on a bind mount must not leave it writable:
    /// as unknown data it is dropped with the rest of a bind's data.
    @Test func recursiveReadOnlyBindIsNotSilentlyWritable() throws {
        let t = try TempDir()
        let source = try t.dir("host/data")
        let spec = Self.spec(
            namespaces: ["mount"],
            mounts: [
                Mount(destination: "/data", type: "bind", source: source, options: ["rbind", "rro"])
            ])
        let m = try #require(try Self.plan(spec, bundle: t.path).mounts.first)
        // rro is applied recursively with mount_setattr: MOUNT_ATTR_RDONLY in the set mask.
        #expect(m.attrSet & 0x1 != 0)
        #expect(m.attrClear & 0x1 == 0)
    }

    @Test func sysctlKeysBecomeProcSysPaths() throws {
        let p = try Self.plan(
            Self.spec(namespaces: ["mount", "network", "ipc"]) {
                $0.sysctl = ["net.ipv4.ip_forward": "1", "kernel.shm_rmid_forced": "1"]
            })
        #expect(p.sysctls.map(\.path) == ["/proc/sys/kernel/shm_rmid_forced", "/proc/sys/net/ipv4/ip_forward"])
        #expect(p.sysctls.map(\.value) == ["1", "1"])
    }

    /// sysctl(8)'s two spellings of a key naming an interface with a dot in its name
    /// (`eth0.100`): dots first swap with slashes, slashes first stand as they are.
    @Test func sysctlKeysFollowSysctl8Separators() throws {
        let p = try Self.plan(
            Self.spec(namespaces: ["mount", "network"]) {
                $0.sysctl = ["net.ipv4.conf.eth0/100.forwarding": "1", "net/ipv4/conf/eth0.100/rp_filter": "2"]
            })
        #expect(
            p.sysctls.map(\.path) == [
                "/proc/sys/net/ipv4/conf/eth0.100/forwarding",
                "/proc/sys/net/ipv4/conf/eth0.100/rp_filter"
            ])
    }

    @Test func maskedAndReadonlyPathsAreCopied() throws {
        let p = try Self.plan(
            Self.spec(namespaces: ["mount"]) {
                $0.maskedPaths = ["/proc/kcore"]
                $0.readonlyPaths = ["/proc/sys"]
            })
        #expect(p.maskedPaths == ["/proc/kcore"])
        #expect(p.readonlyPaths == ["/proc/sys"])
    }

    @Test func readonlyRoot() throws {
        var spec = Self.spec(namespaces: ["mount"])
        #expect(try !Self.plan(spec).readonlyRoot)
        spec.root = Root(path: "rootfs", readonly: true)
        let p = try Self.plan(spec)
        #expect(p.readonlyRoot)
        #expect(p.setupRootfs)
    }

    @Test func rootfsPathAbsoluteOrRelativeToTheBundle() throws {
        var spec = Self.spec(namespaces: ["mount"])
        #expect(try Self.plan(spec, bundle: "/b/x").rootfs == "/b/x/rootfs")
        spec.root = Root(path: "/srv/root/")
        #expect(try Self.plan(spec, bundle: "/b/x").rootfs == "/srv/root")
        spec.root = Root(path: "../other")
        #expect(try Self.plan(spec, bundle: "/b/x").rootfs == "/b/other")
    }

    /// Before pivot_root the host must not see our mounts: slave unless asked otherwise, and
    /// never shared (runc's prepareRoot); the configured value is applied to "/" after pivot.
    @Test(
        arguments: [
            (nil, UInt(MS_SLAVE | MS_REC), UInt(0)),
            ("rprivate", UInt(MS_PRIVATE | MS_REC), UInt(MS_PRIVATE | MS_REC)),
            ("private", UInt(MS_PRIVATE | MS_REC), UInt(MS_PRIVATE)),
            ("rslave", UInt(MS_SLAVE | MS_REC), UInt(MS_SLAVE | MS_REC)),
            ("shared", UInt(MS_PRIVATE | MS_REC), UInt(MS_SHARED)),
            ("rshared", UInt(MS_PRIVATE | MS_REC), UInt(MS_SHARED | MS_REC))
        ] as [(String?, UInt, UInt)])
    func rootfsPropagation(_ value: String?, _ root: UInt, _ final: UInt) throws {
        let p = try Self.plan(Self.spec(namespaces: ["mount"]) { $0.rootfsPropagation = value })
        #expect(p.rootPropagation == root)
        #expect(p.finalPropagation == final)
    }

    // MARK: process

    @Test func processBasics() throws {
        let process = Process(
            user: User(uid: 1000, gid: 1001, umask: 0o22, additionalGids: [5, 6]),
            args: ["sh", "-c", "true"], env: ["PATH=/a", "X=1", "PATH=/b:/c", "HOME=/h"],
            noNewPrivileges: true, oomScoreAdj: 100)
        let p = try Self.plan(Self.spec(process: process))
        #expect(p.argv == ["sh", "-c", "true"])
        #expect(p.cwd == "/")
        #expect(p.uid == 1000 && p.gid == 1001)
        #expect(p.groups == [5, 6])
        #expect(p.umask == 0o22)
        #expect(p.pathEnv == "/b:/c")  // the last PATH wins, as in execve's environment
        #expect(p.env == ["PATH=/a", "X=1", "PATH=/b:/c", "HOME=/h"])
        #expect(p.noNewPrivileges)
        #expect(p.oomScoreAdj == 100)
        #expect(p.capabilities == nil)
        #expect(try Self.plan(Self.spec()).umask == -1)
    }

    @Test func homeDefaultsFromTheRootfsPasswd() throws {
        let t = try TempDir()
        try t.file("rootfs/etc/passwd", "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000::/home/user:/bin/sh\nnohome:x:7:7::::\n")
        func home(_ uid: UInt32, env: [String] = ["PATH=/bin"]) throws -> [String] {
            let p = try Self.plan(
                Self.spec(namespaces: ["mount"], process: Process(user: User(uid: uid), args: ["/bin/true"], env: env)), bundle: t.path)
            return p.env.filter { $0.hasPrefix("HOME=") }
        }
        #expect(try home(0) == ["HOME=/root"])
        #expect(try home(1000) == ["HOME=/home/user"])
        #expect(try home(7) == ["HOME=/"])  // empty home field
        #expect(try home(4242) == ["HOME=/"])  // no entry: runc's default
        #expect(try home(1000, env: ["HOME=/mine"]) == ["HOME=/mine"])
    }

    /// The image's /etc/passwd is read as the container would see it: a symlink to a host file
    /// must not make the runtime read (and leak into the environment) a host file.
    @Test func homeLookupDoesNotFollowSymlinksOutOfTheRootfs() throws {
        let t = try TempDir()
        let hostFile = try t.file("host/passwd", "root:x:0:0:root:/host-secret-home:/bin/sh\n")
        try t.symlink("rootfs/etc/passwd", to: hostFile)
        let p = try Self.plan(Self.spec(namespaces: ["mount"], process: Process(args: ["/bin/true"], env: [])), bundle: t.path)
        #expect(p.env == ["HOME=/"])
    }

    @Test func capabilitiesBecomeBitMasks() throws {
        let caps = LinuxCapabilities(
            bounding: ["CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_CHECKPOINT_RESTORE"],
            effective: ["CAP_CHOWN"], inheritable: [], permitted: ["CAP_KILL", "CAP_SYS_ADMIN"],
            ambient: nil)
        let p = try Self.plan(Self.spec(process: Process(args: ["/bin/true"], capabilities: caps)))
        let c = try #require(p.capabilities)
        #expect(c.bounding == (1 << 5) | (1 << 10) | (1 << 40))
        #expect(c.effective == 1)
        #expect(c.inheritable == 0)
        #expect(c.permitted == (1 << 5) | (1 << 21))
        #expect(c.ambient == 0)
    }

    @Test func rlimitsBecomeResourceNumbers() throws {
        let p = try Self.plan(
            Self.spec(
                process: Process(
                    args: ["/bin/true"],
                    rlimits: [
                        POSIXRlimit(type: "RLIMIT_NOFILE", hard: 2048, soft: 1024),
                        POSIXRlimit(type: "RLIMIT_CORE", hard: 0, soft: 0)
                    ])))
        #expect(p.rlimits.map(\.resource) == [Int32(RLIMIT_NOFILE.rawValue), Int32(RLIMIT_CORE.rawValue)])
        #expect(p.rlimits.map(\.soft) == [1024, 0])
        #expect(p.rlimits.map(\.hard) == [2048, 0])
    }

    @Test func aSpecWithoutProcessIsRefused() {
        var spec = Self.spec()
        spec.process = nil
        #expect(throws: RuntimeError.self) { try Self.plan(spec) }
    }

    // MARK: cgroup mounts

    @Test func cgroupV2MountBindsTheContainersDirectory() {
        let mounts = CgroupMountPlanner.plan(
            target: "/r/sys/fs/cgroup", dest: "/sys/fs/cgroup", flags: UInt(MS_RDONLY | MS_NOSUID),
            hierarchies: [.init(name: "", hostPath: "/sys/fs/cgroup/c1")])
        #expect(
            mounts == [
                LaunchPlan.PlannedMount(
                    source: "/sys/fs/cgroup/c1", target: "/r/sys/fs/cgroup", dest: "/sys/fs/cgroup", fstype: nil,
                    data: nil, flags: UInt(MS_BIND | MS_REC),
                    remountFlags: UInt(MS_RDONLY | MS_NOSUID), ownCgroup: true)
            ])
    }

    @Test func cgroupV1MountIsATmpfsOfBindsMadeReadOnlyLast() {
        let mounts = CgroupMountPlanner.plan(
            target: "/r/sys/fs/cgroup", dest: "/sys/fs/cgroup", flags: UInt(MS_RDONLY),
            hierarchies: [
                .init(name: "memory", hostPath: "/sys/fs/cgroup/memory/c1"),
                .init(name: "cpu,cpuacct", hostPath: "/sys/fs/cgroup/cpu,cpuacct/c1")
            ])
        #expect(mounts.map(\.target) == ["/r/sys/fs/cgroup", "/r/sys/fs/cgroup/memory", "/r/sys/fs/cgroup/cpu,cpuacct", "/r/sys/fs/cgroup"])
        #expect(mounts.map(\.dest) == ["/sys/fs/cgroup", "/sys/fs/cgroup/memory", "/sys/fs/cgroup/cpu,cpuacct", "/sys/fs/cgroup"])
        // The binds are the child's to make (their directories may not exist when the parent
        // opens bind sources for a user namespace).
        #expect(mounts.map(\.ownCgroup) == [false, true, true, false])
        #expect(mounts[0].fstype == "tmpfs")
        #expect(mounts[1].remountFlags == UInt(MS_RDONLY))
        #expect(mounts[3].flags == UInt(MS_REMOUNT | MS_BIND | MS_RDONLY))
        let writable = CgroupMountPlanner.plan(target: "/c", dest: "/c", flags: 0, hierarchies: [.init(name: "memory", hostPath: "/m")])
        #expect(writable.count == 2)
    }
}
