/// runtime-spec config.md "process". Also the shape of `exec --process` files.
public struct Process: Codable, Sendable, Equatable {
    public var terminal: Bool?
    public var consoleSize: Box?
    /// REQUIRED on Linux by the spec; a missing user means uid 0, gid 0 (see `resolvedUser`).
    public var user: User?
    public var args: [String]?
    /// Windows only; decoded so that it survives a round trip.
    public var commandLine: String?
    public var env: [String]?
    public var cwd: String?
    public var capabilities: LinuxCapabilities?
    public var rlimits: [POSIXRlimit]?
    public var noNewPrivileges: Bool?
    public var apparmorProfile: String?
    public var oomScoreAdj: Int?
    public var selinuxLabel: String?
    public var ioPriority: LinuxIOPriority?
    public var scheduler: Scheduler?
    public var execCPUAffinity: CPUAffinity?

    public var isTerminal: Bool { terminal ?? false }
    public var isNoNewPrivileges: Bool { noNewPrivileges ?? false }
    public var resolvedUser: User { user ?? User() }

    public init(
        terminal: Bool? = nil, consoleSize: Box? = nil, user: User? = nil, args: [String]? = nil,
        commandLine: String? = nil, env: [String]? = nil, cwd: String? = nil,
        capabilities: LinuxCapabilities? = nil, rlimits: [POSIXRlimit]? = nil,
        noNewPrivileges: Bool? = nil, apparmorProfile: String? = nil, oomScoreAdj: Int? = nil,
        selinuxLabel: String? = nil, ioPriority: LinuxIOPriority? = nil,
        scheduler: Scheduler? = nil, execCPUAffinity: CPUAffinity? = nil
    ) {
        self.terminal = terminal
        self.consoleSize = consoleSize
        self.user = user
        self.args = args
        self.commandLine = commandLine
        self.env = env
        self.cwd = cwd
        self.capabilities = capabilities
        self.rlimits = rlimits
        self.noNewPrivileges = noNewPrivileges
        self.apparmorProfile = apparmorProfile
        self.oomScoreAdj = oomScoreAdj
        self.selinuxLabel = selinuxLabel
        self.ioPriority = ioPriority
        self.scheduler = scheduler
        self.execCPUAffinity = execCPUAffinity
    }

    /// The synthesized decoding but for `args` and `env` (see StringListDecoding.swift).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        terminal = try c.decodeIfPresent(Bool.self, forKey: .terminal)
        consoleSize = try c.decodeIfPresent(Box.self, forKey: .consoleSize)
        user = try c.decodeIfPresent(User.self, forKey: .user)
        args = try c.decodeStringsIfPresent(forKey: .args)
        commandLine = try c.decodeIfPresent(String.self, forKey: .commandLine)
        env = try c.decodeStringsIfPresent(forKey: .env)
        cwd = try c.decodeIfPresent(String.self, forKey: .cwd)
        capabilities = try c.decodeIfPresent(LinuxCapabilities.self, forKey: .capabilities)
        rlimits = try c.decodeIfPresent([POSIXRlimit].self, forKey: .rlimits)
        noNewPrivileges = try c.decodeIfPresent(Bool.self, forKey: .noNewPrivileges)
        apparmorProfile = try c.decodeIfPresent(String.self, forKey: .apparmorProfile)
        oomScoreAdj = try c.decodeIfPresent(Int.self, forKey: .oomScoreAdj)
        selinuxLabel = try c.decodeIfPresent(String.self, forKey: .selinuxLabel)
        ioPriority = try c.decodeIfPresent(LinuxIOPriority.self, forKey: .ioPriority)
        scheduler = try c.decodeIfPresent(Scheduler.self, forKey: .scheduler)
        execCPUAffinity = try c.decodeIfPresent(CPUAffinity.self, forKey: .execCPUAffinity)
    }
}

/// Console dimensions (`process.consoleSize`).
public struct Box: Codable, Sendable, Equatable {
    public var height: UInt
    public var width: UInt

    public init(height: UInt, width: UInt) {
        self.height = height
        self.width = width
    }
}

public struct User: Codable, Sendable, Equatable {
    public var uid: UInt32
    public var gid: UInt32
    public var umask: UInt32?
    public var additionalGids: [UInt32]?
    /// Windows only.
    public var username: String?

    public init(
        uid: UInt32 = 0, gid: UInt32 = 0, umask: UInt32? = nil,
        additionalGids: [UInt32]? = nil, username: String? = nil
    ) {
        self.uid = uid
        self.gid = gid
        self.umask = umask
        self.additionalGids = additionalGids
        self.username = username
    }
}

/// The five capability sets, as `CAP_*` names.
public struct LinuxCapabilities: Codable, Sendable, Equatable {
    public var bounding: [String]?
    public var effective: [String]?
    public var inheritable: [String]?
    public var permitted: [String]?
    public var ambient: [String]?

    public init(
        bounding: [String]? = nil, effective: [String]? = nil, inheritable: [String]? = nil,
        permitted: [String]? = nil, ambient: [String]? = nil
    ) {
        self.bounding = bounding
        self.effective = effective
        self.inheritable = inheritable
        self.permitted = permitted
        self.ambient = ambient
    }

    /// Capability names the kernel knows, indexed by capability number
    /// (include/uapi/linux/capability.h up to CAP_CHECKPOINT_RESTORE = 40).
    public static let knownNames: [String] = [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
        "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
        "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
        "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
        "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
        "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
        "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
        "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
        "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE"
    ]

    /// The kernel's number for a `CAP_*` name, or nil when unknown.
    public static func number(of name: String) -> Int? {
        knownNames.firstIndex(of: name)
    }
}

public struct POSIXRlimit: Codable, Sendable, Equatable {
    public var type: String
    public var hard: UInt64
    public var soft: UInt64

    public init(type: String, hard: UInt64, soft: UInt64) {
        self.type = type
        self.hard = hard
        self.soft = soft
    }

    /// `RLIMIT_*` names indexed by their Linux resource number (asm-generic/resource.h).
    public static let knownTypes: [String] = [
        "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE",
        "RLIMIT_RSS", "RLIMIT_NPROC", "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS",
        "RLIMIT_LOCKS", "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_RTPRIO",
        "RLIMIT_RTTIME"
    ]

    /// The resource number for setrlimit(2), or nil when the type is unknown.
    public var resource: Int32? { Self.knownTypes.firstIndex(of: type).map(Int32.init) }
}

/// sched_setattr(2) parameters (`process.scheduler`).
public struct Scheduler: Codable, Sendable, Equatable {
    public var policy: String
    public var nice: Int32?
    public var priority: Int32?
    public var flags: [String]?
    public var runtime: UInt64?
    public var deadline: UInt64?
    public var period: UInt64?

    public init(
        policy: String, nice: Int32? = nil, priority: Int32? = nil, flags: [String]? = nil,
        runtime: UInt64? = nil, deadline: UInt64? = nil, period: UInt64? = nil
    ) {
        self.policy = policy
        self.nice = nice
        self.priority = priority
        self.flags = flags
        self.runtime = runtime
        self.deadline = deadline
        self.period = period
    }

    /// Policy names indexed by their SCHED_* number (4 is unused: SCHED_ISO was never merged).
    public static let knownPolicies: [String] = [
        "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO", "SCHED_IDLE",
        "SCHED_DEADLINE"
    ]
    /// Flag names with their SCHED_FLAG_* bit values (linux/sched.h).
    public static let knownFlags: [String: UInt64] = [
        "SCHED_FLAG_RESET_ON_FORK": 0x01, "SCHED_FLAG_RECLAIM": 0x02,
        "SCHED_FLAG_DL_OVERRUN": 0x04, "SCHED_FLAG_KEEP_POLICY": 0x08,
        "SCHED_FLAG_KEEP_PARAMS": 0x10, "SCHED_FLAG_UTIL_CLAMP_MIN": 0x20,
        "SCHED_FLAG_UTIL_CLAMP_MAX": 0x40
    ]
}

/// ioprio_set(2) parameters (`process.ioPriority`).
public struct LinuxIOPriority: Codable, Sendable, Equatable {
    public var `class`: String
    public var priority: Int

    public init(class: String, priority: Int) {
        self.class = `class`
        self.priority = priority
    }

    /// Class names with their IOPRIO_CLASS_* numbers.
    public static let knownClasses: [String: Int32] = [
        "IOPRIO_CLASS_RT": 1, "IOPRIO_CLASS_BE": 2, "IOPRIO_CLASS_IDLE": 3
    ]
}

/// `process.execCPUAffinity`: CPU lists ("0-3,7") applied before and after exec.
public struct CPUAffinity: Codable, Sendable, Equatable {
    public var initial: String?
    public var final: String?

    public init(initial: String? = nil, final: String? = nil) {
        self.initial = initial
        self.final = final
    }
}
