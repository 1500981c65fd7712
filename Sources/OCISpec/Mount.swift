/// runtime-spec config.md "mounts".
public struct Mount: Codable, Sendable, Equatable {
    /// REQUIRED by the spec; this runtime (like runc) requires it to be absolute.
    public var destination: String?
    public var type: String?
    public var source: String?
    public var options: [String]?
    /// Idmapped mount mappings (config.md "mounts", since 1.1).
    public var uidMappings: [LinuxIDMapping]?
    public var gidMappings: [LinuxIDMapping]?

    public init(
        destination: String? = nil, type: String? = nil, source: String? = nil,
        options: [String]? = nil, uidMappings: [LinuxIDMapping]? = nil,
        gidMappings: [LinuxIDMapping]? = nil
    ) {
        self.destination = destination
        self.type = type
        self.source = source
        self.options = options
        self.uidMappings = uidMappings
        self.gidMappings = gidMappings
    }

    /// The mount options config.md defines for Linux. Other options are not errors:
    /// the spec passes them to mount(2) as filesystem-specific data.
    public static let knownOptions: [String] = [
        "async", "atime", "bind", "defaults", "dev", "diratime", "dirsync", "exec",
        "idmap", "iversion", "lazytime", "loud", "mand", "noatime", "nodev", "nodiratime",
        "noexec", "noiversion", "nolazytime", "nomand", "norelatime", "nostrictatime",
        "nosuid", "nosymfollow", "private", "ratime", "rbind", "rdev", "rdiratime", "relatime",
        "remount", "rexec", "ridmap", "rnoatime", "rnodev", "rnodiratime", "rnoexec",
        "rnorelatime", "rnostrictatime", "rnosuid", "rnosymfollow", "ro", "rprivate",
        "rrelatime", "rro", "rrw", "rshared", "rslave", "rstrictatime", "rsuid", "rsymfollow",
        "runbindable", "rw", "shared", "silent", "slave", "strictatime", "suid", "symfollow",
        "sync", "tmpcopyup", "unbindable"
    ]
}
