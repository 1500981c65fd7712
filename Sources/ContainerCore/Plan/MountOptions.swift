import Glibc

/// OCI mount options → mount(2) flags, propagation and data, with runc's table.
struct MountOptions: Equatable {
    var flags: UInt = 0
    var propagation: UInt = 0
    var data: [String] = []
    /// Recursive options (rro, rnosuid, …): mount_setattr(AT_RECURSIVE) attributes.
    var recursiveSet: UInt64 = 0
    var recursiveClear: UInt64 = 0
    var isBind: Bool { flags & UInt(MS_BIND) != 0 }

    private static let setting: [String: UInt] = [
        "bind": UInt(MS_BIND), "rbind": UInt(MS_BIND | MS_REC), "ro": UInt(MS_RDONLY),
        "nosuid": UInt(MS_NOSUID), "nodev": UInt(MS_NODEV), "noexec": UInt(MS_NOEXEC),
        "sync": UInt(MS_SYNCHRONOUS), "dirsync": UInt(MS_DIRSYNC), "remount": UInt(MS_REMOUNT),
        "mand": UInt(MS_MANDLOCK), "noatime": UInt(MS_NOATIME), "nodiratime": UInt(MS_NODIRATIME),
        "relatime": UInt(MS_RELATIME), "strictatime": UInt(MS_STRICTATIME),
        "silent": UInt(MS_SILENT), "iversion": UInt(MS_I_VERSION), "lazytime": UInt(MS_LAZYTIME),
        "nosymfollow": 256  // MS_NOSYMFOLLOW (Linux 5.10), not in Glibc's module
    ]
    private static let clearing: [String: UInt] = [
        "rw": UInt(MS_RDONLY), "suid": UInt(MS_NOSUID), "dev": UInt(MS_NODEV),
        "exec": UInt(MS_NOEXEC), "async": UInt(MS_SYNCHRONOUS), "nomand": UInt(MS_MANDLOCK),
        "atime": UInt(MS_NOATIME), "diratime": UInt(MS_NODIRATIME), "norelatime": UInt(MS_RELATIME),
        "nostrictatime": UInt(MS_STRICTATIME), "loud": UInt(MS_SILENT),
        "noiversion": UInt(MS_I_VERSION), "nolazytime": UInt(MS_LAZYTIME), "defaults": 0,
        "symfollow": 256
    ]
    // MOUNT_ATTR_* (linux/mount.h) for the recursive forms; atime ones share a 0x70 field.
    private static let recursiveSetting: [String: (set: UInt64, clear: UInt64)] = [
        "rro": (0x1, 0), "rrw": (0, 0x1), "rnosuid": (0x2, 0), "rsuid": (0, 0x2),
        "rnodev": (0x4, 0), "rdev": (0, 0x4), "rnoexec": (0x8, 0), "rexec": (0, 0x8),
        "rnodiratime": (0x80, 0), "rdiratime": (0, 0x80),
        "rrelatime": (0x0, 0x70), "rnorelatime": (0, 0x70), "rnoatime": (0x10, 0x70),
        "ratime": (0, 0x70), "rstrictatime": (0x20, 0x70), "rnostrictatime": (0, 0x70),
        "rnosymfollow": (0x200000, 0), "rsymfollow": (0, 0x200000)
    ]
    static let propagationFlags: [String: UInt] = [
        "private": UInt(MS_PRIVATE), "rprivate": UInt(MS_PRIVATE | MS_REC),
        "shared": UInt(MS_SHARED), "rshared": UInt(MS_SHARED | MS_REC),
        "slave": UInt(MS_SLAVE), "rslave": UInt(MS_SLAVE | MS_REC),
        "unbindable": UInt(MS_UNBINDABLE), "runbindable": UInt(MS_UNBINDABLE | MS_REC)
    ]
    // runc extensions with no mount(2) meaning here; dropped rather than passed as data.
    private static let ignored: Set<String> = ["tmpcopyup", "idmap", "ridmap"]

    init(_ options: [String]) {
        for option in options {
            if let f = Self.setting[option] {
                flags |= f
            } else if let f = Self.clearing[option] {
                flags &= ~f
            } else if let p = Self.propagationFlags[option] {
                propagation |= p
            } else if let r = Self.recursiveSetting[option] {
                recursiveSet = (recursiveSet & ~r.clear) | r.set
                recursiveClear = (recursiveClear & ~r.set) | r.clear
            } else if !Self.ignored.contains(option) {
                data.append(option)
            }
        }
    }
}
