import Glibc
import Testing
@testable import ContainerCore

/// Paths inside the rootfs resolve as the kernel would after pivot_root: a hostile image
/// cannot point a mount at the host (CVE-2021-30465 class).
@Suite struct SecureJoinTests {
    @Test func plainPathsAreJoined() throws {
        let t = try TempDir()
        try t.dir("rootfs/etc")
        let rootfs = t.path + "/rootfs"
        #expect(try SecureJoin.resolve(rootfs: rootfs, "/etc/hosts") == rootfs + "/etc/hosts")
        #expect(try SecureJoin.resolve(rootfs: rootfs, "etc//./hosts") == rootfs + "/etc/hosts")
        #expect(try SecureJoin.resolve(rootfs: rootfs, "/") == rootfs)
        #expect(try SecureJoin.resolve(rootfs: rootfs, "") == rootfs)
    }

    @Test func absoluteSymlinkIsReRootedAtTheRootfs() throws {
        let t = try TempDir()
        let rootfs = try t.dir("rootfs")
        let host = try t.dir("host-etc")
        try t.symlink("rootfs/etc", to: host)
        #expect(try SecureJoin.resolve(rootfs: rootfs, "/etc/foo") == rootfs + host + "/foo")
        // A final component that is a symlink is followed too (a mount lands on its target).
        #expect(try SecureJoin.resolve(rootfs: rootfs, "/etc") == rootfs + host)
    }

    @Test func dotDotCannotEscape() throws {
        let t = try TempDir()
        let rootfs = try t.dir("rootfs")
        try t.dir("rootfs/a")
        #expect(try SecureJoin.resolve(rootfs: rootfs, "/../../../etc/passwd") == rootfs + "/etc/passwd")
        #expect(try SecureJoin.resolve(rootfs: rootfs, "/a/../../..") == rootfs)
        // Through a relative symlink that climbs too far.
        try t.symlink("rootfs/a/up", to: "../../../../../../tmp")
        #expect(try SecureJoin.resolve(rootfs: rootfs, "/a/up/x") == rootfs + "/tmp/x")
    }

    @Test func dotDotAfterASymlinkIsTakenFromItsTarget() throws {
        let t = try TempDir()
        let rootfs = try t.dir("rootfs")
        try t.dir("rootfs/real/sub")
        try t.symlink("rootfs/link", to: "real/sub")
        // The kernel resolves link → real/sub first, so ".." is real, not the root.
        #expect(try SecureJoin.resolve(rootfs: rootfs, "/link/../f") == rootfs + "/real/f")
    }

    @Test func symlinksInsideSymlinkTargetsAreResolved() throws {
        let t = try TempDir()
        let rootfs = try t.dir("rootfs")
        try t.dir("rootfs/real")
        try t.symlink("rootfs/a", to: "/b/c")
        try t.symlink("rootfs/b", to: "/real")
        #expect(try SecureJoin.resolve(rootfs: rootfs, "/a/d") == rootfs + "/real/c/d")
    }

    @Test func symlinkLoopsAreAnError() throws {
        let t = try TempDir()
        let rootfs = try t.dir("rootfs")
        try t.symlink("rootfs/l1", to: "l2")
        try t.symlink("rootfs/l2", to: "/l1")
        #expect(throws: RuntimeError.self) { try SecureJoin.resolve(rootfs: rootfs, "/l1/x") }
        try t.symlink("rootfs/self", to: "self")
        let error = #expect(throws: RuntimeError.self) { try SecureJoin.resolve(rootfs: rootfs, "/self") }
        #expect(error?.description.contains("too many levels of symbolic links") == true)
    }

    @Test func missingComponentsAreKept() throws {
        let t = try TempDir()
        let rootfs = try t.dir("rootfs")
        try t.dir("rootfs/dir")
        #expect(try SecureJoin.resolve(rootfs: rootfs, "/dir/missing/deeper/x") == rootfs + "/dir/missing/deeper/x")
        #expect(try SecureJoin.resolve(rootfs: rootfs, "/missing/../dir") == rootfs + "/dir")
    }
}
