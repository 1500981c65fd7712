import Glibc

/// The fully resolved start-up: every decision made, nothing left for C to interpret.
/// Built by `Planner`, turned into `struct shim_plan` by `CPlan`.
public struct LaunchPlan: Sendable {
    public struct PlannedMount: Sendable, Equatable {
        var source: String?
        var target: String  // host path inside the rootfs (as planned; for messages/tests)
        var dest: String = ""  // container path, resolved again by the child at mount time
        var fstype: String?
        var data: String?
        var flags: UInt
        var remountFlags: UInt = 0
        var propagation: UInt = 0
        var makeFile = false
        /// mounts[].uidMappings/gidMappings: made into an idmapped tree by the parent.
        var idmap: IDMap?
        var attrSet: UInt64 = 0  // recursive options (mount_setattr AT_RECURSIVE)
        var attrClear: UInt64 = 0
        /// A bind of the container's own cgroup directory (a `cgroup` mount): some of those
        /// are made after the parent opens bind sources, so the child binds it at mount time.
        var ownCgroup = false
    }
    public struct IDMap: Sendable, Equatable {
        var uidMap: String?
        var gidMap: String?
        var recursive: Bool
    }
    public struct PlannedDevice: Sendable, Equatable {
        var path: String  // host path inside the rootfs
        var bindSource: String?
        var mode: UInt32
        var major: UInt32
        var minor: UInt32
        var uid: UInt32 = 0
        var gid: UInt32 = 0
    }
    public struct SchedulerSettings: Sendable, Equatable {
        var policy: UInt32, flags: UInt64, nice: Int32, priority: UInt32
        var runtime: UInt64, deadline: UInt64, period: UInt64
    }
    public struct Capabilities: Sendable, Equatable {
        var bounding: UInt64 = 0, effective: UInt64 = 0, permitted: UInt64 = 0
        var inheritable: UInt64 = 0, ambient: UInt64 = 0
    }

    // Namespaces
    var cloneFlags: Int32 = 0
    var newTimeNamespace = false
    var unshareCgroupNamespace = false
    var timeOffsets: String?
    var pidNamespaceJoin: String?
    var joins: [(type: Int32, path: String)] = []
    /// A joined user namespace with new ones besides: they must be created inside it, by an
    /// intermediate process (and cgroup placement is then done by the parent).
    var joinUserFirst: Bool { cloneFlags != 0 && joins.contains { $0.type == CLONE_NEWUSER } }
    var uidMap: String?  // written by the parent into /proc/<pid>/uid_map
    var gidMap: String?
    var becomeRoot = false
    var hostname: String?
    var domainname: String?
    /// prestart/createRuntime/createContainer hooks: the child waits before pivot_root.
    var hooksBeforePivot = false

    // Filesystem
    var setupRootfs = false
    /// No new mount namespace: the process's root through chroot (nil: it is "/" already).
    var chrootPath: String?
    var rootfs = ""
    var rootPropagation: UInt = 0
    var finalPropagation: UInt = 0
    var mounts: [PlannedMount] = []
    var devices: [PlannedDevice] = []
    var symlinks: [(target: String, link: String)] = []
    var noPivot = false
    var sysctls: [(path: String, value: String)] = []
    var maskedPaths: [String] = []
    var readonlyPaths: [String] = []
    var readonlyRoot = false
    /// The container has a namespace of this type of its own: new or joined by path.
    func has(_ type: Int32) -> Bool { cloneFlags & type != 0 || joins.contains { $0.type == type } }

    /// How many leading mounts the init makes before its first release, while the parent still
    /// makes the cgroups and writes the state record: pseudo filesystems only (no host path
    /// the parent might still be creating), and only when nothing the release brings is needed
    /// (the id maps of a new user namespace, namespaces to join).
    var mountsBeforeRelease: Int {
        guard setupRootfs, cloneFlags & CLONE_NEWUSER == 0, joins.isEmpty, pidNamespaceJoin == nil else { return 0 }
        let pseudo: Set<String> = ["proc", "tmpfs", "devpts", "mqueue", "sysfs"]
        return mounts.prefix { m in
            m.fstype.map(pseudo.contains) == true && m.flags & UInt(MS_BIND) == 0 && m.idmap == nil
        }.count
    }

    // Process
    var cwd = "/"
    var argv: [String] = []
    var env: [String] = []
    var pathEnv: String?
    /// createContainer hooks: argv[0] is executed from an fd opened in the runtime's
    /// namespace (LaunchHandles.execFD), not looked up in the container.
    var execFromFD = false
    var rlimits: [(resource: Int32, soft: UInt64, hard: UInt64, field: String)] = []
    var setGroups = true
    var groups: [UInt32] = []
    var uid: UInt32 = 0
    var gid: UInt32 = 0
    var umask: Int32 = -1
    var capabilities: Capabilities?
    var noNewPrivileges = false
    var seccompFilter: [UInt8]?  // struct sock_filter[], compiled in Swift
    var seccompFlags: UInt32 = 0
    var seccompListener: (path: String, metadata: String?)?  // SCMP_ACT_NOTIFY
    var oomScoreAdj: Int?
    var personality: UInt?  // PER_LINUX (0) or PER_LINUX32 (8)
    var ioPriority: Int32 = -1  // IOPRIO_PRIO_VALUE(class, level)
    var scheduler: SchedulerSettings?
    var cpuAffinityInitial: [UInt64]?  // 16 words: a cpu_set_t for 1024 CPUs
    var cpuAffinityFinal: [UInt64]?
    var lsmExec: (path: String, value: String)?
    var memoryPolicy: (mode: Int32, nodes: [UInt64]?)?
    var setsid = true
    var newKeyring = true
    var consoleRows: UInt16 = 0
    var consoleCols: UInt16 = 0
    var bindDevConsole = false
    var preserveFDs: Int32 = 0
}
