import Testing
@testable import Cgroups

/// `destroy()` removes deepest directories first; the depth is counted over bytes now and
/// must stay what splitting on "/" said.
@Suite struct DirectoryDepthTests {
    @Test(arguments: ["", "/", "//", "a", "/a", "a/", "/a/b", "/a//b/", "///a///b///c", "/sys/fs/cgroup/memory/x/c1", "/é/日/👍🏽"])
    func depthIsTheComponentCount(path: String) {
        #expect(CgroupDirectories.depth(path) == path.split(separator: "/").count)
    }
}
