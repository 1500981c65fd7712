import Glibc
import Testing
@testable import ContainerCore

/// config.md "mounts": options → mount(2) flags with runc's table (later options win).
@Suite struct MountOptionsTests {
    @Test func roAndRwToggleInOrder() {
        #expect(MountOptions(["ro"]).flags == UInt(MS_RDONLY))
        #expect(MountOptions(["ro", "rw"]).flags == 0)
        #expect(MountOptions(["rw", "ro"]).flags == UInt(MS_RDONLY))
        #expect(MountOptions(["nosuid", "suid", "noexec"]).flags == UInt(MS_NOEXEC))
        #expect(MountOptions(["nodev", "dev"]).flags == 0)
    }

    @Test func setFlagsOfTheStandardOptions() {
        let o = MountOptions(["nosuid", "nodev", "noexec", "strictatime", "relatime", "noatime", "sync", "dirsync"])
        #expect(
            o.flags
                == UInt(
                    MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_STRICTATIME | MS_RELATIME | MS_NOATIME
                        | MS_SYNCHRONOUS | MS_DIRSYNC))
        #expect(o.data.isEmpty)
        #expect(o.propagation == 0)
    }

    @Test func bindAndRbind() {
        let bind = MountOptions(["bind"])
        #expect(bind.isBind)
        #expect(bind.flags == UInt(MS_BIND))
        let rbind = MountOptions(["rbind"])
        #expect(rbind.isBind)
        #expect(rbind.flags == UInt(MS_BIND | MS_REC))
        #expect(!MountOptions(["ro", "nosuid"]).isBind)
    }

    @Test func propagationIsKeptApartFromFlags() {
        let o = MountOptions(["rbind", "rprivate"])
        #expect(o.flags == UInt(MS_BIND | MS_REC))
        #expect(o.propagation == UInt(MS_PRIVATE | MS_REC))
        #expect(MountOptions(["shared"]).propagation == UInt(MS_SHARED))
        #expect(MountOptions(["rslave"]).propagation == UInt(MS_SLAVE | MS_REC))
        #expect(MountOptions(["unbindable"]).propagation == UInt(MS_UNBINDABLE))
        #expect(MountOptions(["runbindable"]).propagation == UInt(MS_UNBINDABLE | MS_REC))
        #expect(MountOptions(["private"]).flags == 0)
    }

    @Test func unknownOptionsBecomeDataInOrder() {
        let o = MountOptions(["nosuid", "mode=755", "size=65536k", "newinstance"])
        #expect(o.flags == UInt(MS_NOSUID))
        #expect(o.data == ["mode=755", "size=65536k", "newinstance"])
    }

    @Test func defaultsSetsNothing() {
        let o = MountOptions(["defaults"])
        #expect(o.flags == 0)
        #expect(o.data.isEmpty)
        #expect(o.propagation == 0)
        // "defaults" does not undo what came before (runc: flag 0, clear false).
        #expect(MountOptions(["ro", "defaults"]).flags == UInt(MS_RDONLY))
    }

    @Test func runcOnlyExtensionsAreNotPassedAsData() {
        #expect(MountOptions(["tmpcopyup", "idmap", "ridmap"]).data.isEmpty)
    }

    /// runc maps "nosymfollow" to MS_NOSYMFOLLOW (Linux 5.10). Passed as data it is lost on a
    /// bind mount (data is dropped there) and EINVAL on most filesystems.
    @Test func nosymfollowIsAFlag() {
        let msNoSymfollow: UInt = 256  // MS_NOSYMFOLLOW, <linux/mount.h>
        let o = MountOptions(["nosymfollow"])
        #expect(o.flags & msNoSymfollow != 0)
        #expect(o.data.isEmpty)
        #expect(MountOptions(["nosymfollow", "symfollow"]).flags & msNoSymfollow == 0)
    }
}
