import OCISpec
import Testing
@testable import ContainerCore

/// normalize skips its split/join for paths that are already clean: the shortcut must agree
/// with the full clean-up on every shape, above all on the ones that are not clean.
@Suite struct FileIONormalizeTests {
    @Test(arguments: [
        ("/", "/"), ("/a", "/a"), ("/run/runtime/id", "/run/runtime/id"), ("/a/.b/..c/...", "/a/.b/..c/..."),
        ("/a/", "/a"), ("//a", "/a"), ("/a//b", "/a/b"), ("/a/./b", "/a/b"), ("/a/../b", "/b"),
        ("/a/.", "/a"), ("/a/..", "/"), ("/..", "/"), ("/.", "/"), ("a/b", "/a/b"), ("", "/"), ("/a/b/", "/a/b"),
        // A combining mark after "/" is a component of its own ("\u{301}"), as the kernel
        // splits: ".." then removes it, not "a" with it.
        ("/a/\u{301}/../b", "/a/b"), ("/a/\u{301}b", "/a/\u{301}b")
    ])
    func normalizes(_ input: String, _ expected: String) {
        #expect(FileIO.normalize(input) == expected)
        #expect(NormalPath.isNormal(input) == (input == expected))
    }
}
