/// runtime-spec config-linux.md: the `linux` object.
public struct Linux: Codable, Sendable, Equatable {
    public var uidMappings: [LinuxIDMapping]?
    public var gidMappings: [LinuxIDMapping]?
    public var sysctl: [String: String]?
    public var resources: LinuxResources?
    public var cgroupsPath: String?
    public var namespaces: [LinuxNamespace]?
    public var devices: [LinuxDevice]?
    public var seccomp: LinuxSeccomp?
    public var rootfsPropagation: String?
    public var maskedPaths: [String]?
    public var readonlyPaths: [String]?
    public var mountLabel: String?
    public var intelRdt: LinuxIntelRdt?
    public var personality: LinuxPersonality?
    /// Keys are clock names: "boottime", "monotonic".
    public var timeOffsets: [String: LinuxTimeOffset]?
    public var memoryPolicy: LinuxMemoryPolicy?
    /// Host interface name → device settings inside the container.
    public var netDevices: [String: LinuxNetDevice]?

    public init(
        uidMappings: [LinuxIDMapping]? = nil, gidMappings: [LinuxIDMapping]? = nil,
        sysctl: [String: String]? = nil, resources: LinuxResources? = nil,
        cgroupsPath: String? = nil, namespaces: [LinuxNamespace]? = nil,
        devices: [LinuxDevice]? = nil, seccomp: LinuxSeccomp? = nil,
        rootfsPropagation: String? = nil, maskedPaths: [String]? = nil,
        readonlyPaths: [String]? = nil, mountLabel: String? = nil,
        intelRdt: LinuxIntelRdt? = nil, personality: LinuxPersonality? = nil,
        timeOffsets: [String: LinuxTimeOffset]? = nil, memoryPolicy: LinuxMemoryPolicy? = nil,
        netDevices: [String: LinuxNetDevice]? = nil
    ) {
        self.uidMappings = uidMappings
        self.gidMappings = gidMappings
        self.sysctl = sysctl
        self.resources = resources
        self.cgroupsPath = cgroupsPath
        self.namespaces = namespaces
        self.devices = devices
        self.seccomp = seccomp
        self.rootfsPropagation = rootfsPropagation
        self.maskedPaths = maskedPaths
        self.readonlyPaths = readonlyPaths
        self.mountLabel = mountLabel
        self.intelRdt = intelRdt
        self.personality = personality
        self.timeOffsets = timeOffsets
        self.memoryPolicy = memoryPolicy
        self.netDevices = netDevices
    }

    /// Values accepted for `rootfsPropagation` (runc accepts the r-prefixed forms too).
    public static let knownPropagations = [
        "shared", "slave", "private", "unbindable", "rshared", "rslave", "rprivate", "runbindable"
    ]
}

public struct LinuxNamespace: Codable, Sendable, Equatable {
    /// One of `knownTypes`; kept a string so validation can name a wrong value.
    public var type: String
    /// Join the namespace at this path instead of creating one.
    public var path: String?

    public init(type: String, path: String? = nil) {
        self.type = type
        self.path = path
    }

    public static let knownTypes = ["pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time"]
}

public struct LinuxIDMapping: Codable, Sendable, Equatable {
    public var containerID: UInt32
    public var hostID: UInt32
    public var size: UInt32

    public init(containerID: UInt32, hostID: UInt32, size: UInt32) {
        self.containerID = containerID
        self.hostID = hostID
        self.size = size
    }
}

/// A device node to create in the container (`linux.devices`).
public struct LinuxDevice: Codable, Sendable, Equatable {
    public var path: String
    /// "c", "b", "u" (unbuffered character) or "p" (FIFO).
    public var type: String
    public var major: Int64?
    public var minor: Int64?
    public var fileMode: UInt32?
    public var uid: UInt32?
    public var gid: UInt32?

    public init(
        path: String, type: String, major: Int64? = nil, minor: Int64? = nil,
        fileMode: UInt32? = nil, uid: UInt32? = nil, gid: UInt32? = nil
    ) {
        self.path = path
        self.type = type
        self.major = major
        self.minor = minor
        self.fileMode = fileMode
        self.uid = uid
        self.gid = gid
    }

    public static let knownTypes = ["c", "b", "u", "p"]
}

public struct LinuxPersonality: Codable, Sendable, Equatable {
    /// "LINUX" or "LINUX32".
    public var domain: String
    /// The spec defines no flags yet.
    public var flags: [String]?

    public init(domain: String, flags: [String]? = nil) {
        self.domain = domain
        self.flags = flags
    }

    public static let knownDomains = ["LINUX", "LINUX32"]
}

/// Intel RDT (resctrl) settings. `schemata` and `enableMonitoring` are the newer
/// fields; `enableCMT`/`enableMBM` the 1.2 ones.
public struct LinuxIntelRdt: Codable, Sendable, Equatable {
    public var closID: String?
    public var schemata: [String]?
    public var l3CacheSchema: String?
    public var memBwSchema: String?
    public var enableCMT: Bool?
    public var enableMBM: Bool?
    public var enableMonitoring: Bool?

    public init(
        closID: String? = nil, schemata: [String]? = nil, l3CacheSchema: String? = nil,
        memBwSchema: String? = nil, enableCMT: Bool? = nil, enableMBM: Bool? = nil,
        enableMonitoring: Bool? = nil
    ) {
        self.closID = closID
        self.schemata = schemata
        self.l3CacheSchema = l3CacheSchema
        self.memBwSchema = memBwSchema
        self.enableCMT = enableCMT
        self.enableMBM = enableMBM
        self.enableMonitoring = enableMonitoring
    }
}

/// Offset of one clock in a new time namespace.
public struct LinuxTimeOffset: Codable, Sendable, Equatable {
    public var secs: Int64?
    public var nanosecs: UInt32?

    public init(secs: Int64? = nil, nanosecs: UInt32? = nil) {
        self.secs = secs
        self.nanosecs = nanosecs
    }

    /// Clocks a time namespace can offset (the keys of `linux.timeOffsets`).
    public static let knownClocks = ["boottime", "monotonic"]
}

/// set_mempolicy(2) parameters (`linux.memoryPolicy`).
public struct LinuxMemoryPolicy: Codable, Sendable, Equatable {
    public var mode: String
    /// A node list such as "0-3,7".
    public var nodes: String?
    public var flags: [String]?

    public init(mode: String, nodes: String? = nil, flags: [String]? = nil) {
        self.mode = mode
        self.nodes = nodes
        self.flags = flags
    }

    /// Mode names with their MPOL_* numbers (linux/mempolicy.h).
    public static let knownModes: [String: Int32] = [
        "MPOL_DEFAULT": 0, "MPOL_PREFERRED": 1, "MPOL_BIND": 2, "MPOL_INTERLEAVE": 3,
        "MPOL_LOCAL": 4, "MPOL_PREFERRED_MANY": 5, "MPOL_WEIGHTED_INTERLEAVE": 6
    ]
    /// Mode flag names with their bit values.
    public static let knownFlags: [String: UInt32] = [
        "MPOL_F_NUMA_BALANCING": 1 << 13, "MPOL_F_RELATIVE_NODES": 1 << 14,
        "MPOL_F_STATIC_NODES": 1 << 15
    ]
}

/// A host network interface moved into the container (`linux.netDevices`).
public struct LinuxNetDevice: Codable, Sendable, Equatable {
    /// Name inside the container; defaults to the host name.
    public var name: String?

    public init(name: String? = nil) {
        self.name = name
    }
}
