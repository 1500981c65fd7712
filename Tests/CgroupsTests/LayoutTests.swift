import Testing
@testable import Cgroups

@Suite struct LayoutTests {
    static let hybridMountinfo = """
        31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
        32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
        33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
        35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
        36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices
        40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd
        41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
        """
    static let hybridSelf = """
        9:name=systemd:/
        5:devices:/
        4:memory:/process_api/abc
        2:cpuacct:/
        1:cpu:/
        0::/
        """

    @Test func parsesHybridLayoutWithOwnPaths() throws {
        let l = try CgroupLayout.parse(mountinfo: Self.hybridMountinfo, procSelfCgroup: Self.hybridSelf)
        #expect(l.kind == .hybrid)
        #expect(l.v1.map(\.controllers) == [["cpu"], ["cpuacct"], ["memory"], ["devices"], ["name=systemd"]])
        #expect(l.hierarchy(for: "memory")?.ownDirectory == "/sys/fs/cgroup/memory/process_api/abc")
        #expect(l.hierarchy(for: "name=systemd")?.mountPoint == "/sys/fs/cgroup/systemd")
        #expect(l.unified?.mountPoint == "/sys/fs/cgroup/unified")
    }

    @Test func parsesPureV2ComountedV1AndEscapes() throws {
        let v2 = try CgroupLayout.parse(
            mountinfo: "30 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot",
            procSelfCgroup: "0::/user.slice/user-0.slice/session-3.scope\n")
        #expect(v2.kind == .unified)
        #expect(v2.v1.isEmpty)
        #expect(v2.unified?.ownPath == "/user.slice/user-0.slice/session-3.scope")

        let v1 = try CgroupLayout.parse(
            mountinfo: """
                25 24 0:22 / /cg\\040root/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct
                26 24 0:23 /docker/x /cg\\040root/pids rw - cgroup cgroup rw,pids
                27 24 0:23 / /elsewhere/pids rw - cgroup cgroup rw,pids
                """,
            procSelfCgroup: "3:cpuacct,cpu:/a\n2:pids:/docker/x/inner\n")
        #expect(v1.kind == .v1)
        #expect(v1.v1.count == 2)  // the second pids mount is a duplicate
        #expect(v1.hierarchy(for: "cpuacct")?.mountPoint == "/cg root/cpu,cpuacct")
        #expect(v1.hierarchy(for: "cpu")?.ownDirectory == "/cg root/cpu,cpuacct/a")
        // A bind-mounted subtree: our path is taken relative to the mount's root.
        #expect(v1.hierarchy(for: "pids")?.ownDirectory == "/cg root/pids/inner")
    }

    /// The lines parse reads are found by a byte search: at the start and end of the text
    /// (no final newline), between hundreds of other mounts, and not where "- cgroup" is
    /// part of a field rather than the separator before the fs type.
    @Test func cgroupLinesAreFoundAnywhereAmongOtherMounts() throws {
        let first = "20 1 0:20 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids"
        let last = "99 1 0:99 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw"
        let others = (0..<300).map { "\($0 + 100) 1 0:\($0) / /mnt/x-\($0)-cgroup rw - tmpfs t\($0)- cgroup rw" }
        let mountinfo = ([first] + others + [last]).joined(separator: "\n")
        #expect(CgroupLayout.cgroupMountLines(mountinfo) == [first, last])
        let layout = try CgroupLayout.parse(mountinfo: mountinfo, procSelfCgroup: "1:pids:/a\n0::/b\n")
        #expect(layout.kind == .hybrid)
        #expect(layout.v1.map(\.mountPoint) == ["/sys/fs/cgroup/pids"])
        #expect(layout.hierarchy(for: "pids")?.ownPath == "/a")
        #expect(layout.unified?.ownPath == "/b")
        #expect(CgroupLayout.cgroupMountLines("").isEmpty)
        #expect(CgroupLayout.cgroupMountLines("- cgroup").isEmpty)
        #expect(CgroupLayout.cgroupMountLines(" - cgroup") == [" - cgroup"])
    }

    @Test func noCgroupMountsIsAnError() {
        #expect(throws: CgroupError.self) {
            try CgroupLayout.parse(mountinfo: "1 0 0:1 / / rw - ext4 /dev/sda rw", procSelfCgroup: "")
        }
    }

    @Test func thisHostIsHybrid() throws {
        let l = try CgroupLayout.detect()
        #expect(l.kind == .hybrid)
        #expect(l.hierarchy(for: "pids") != nil)
        #expect(l.hierarchy(for: "freezer") != nil)
        #expect(l.unified != nil)
    }

    // MARK: where the container's cgroup goes

    static let v2Layout = CgroupLayout(
        kind: .unified, v1: [],
        unified: CgroupHierarchy(
            mountPoint: "/sys/fs/cgroup", root: "/", controllers: [], ownPath: "/user.slice/session-1.scope"))

    @Test func absolutePathIsFromTheHierarchyRoot() throws {
        let hybrid = try CgroupLayout.parse(mountinfo: Self.hybridMountinfo, procSelfCgroup: Self.hybridSelf)
        let h = try Cgroups.makeHandle(cgroupsPath: "/runtime/c1", containerID: "c1", layout: hybrid)
        #expect(h.paths["memory"] == "/sys/fs/cgroup/memory/runtime/c1")
        #expect(h.paths["name=systemd"] == "/sys/fs/cgroup/systemd/runtime/c1")
        #expect(h.paths[""] == "/sys/fs/cgroup/unified/runtime/c1")
        #expect(h.mountPoints["cpu"] == "/sys/fs/cgroup/cpu")
        #expect(h.created.isEmpty)

        let v2 = try Cgroups.makeHandle(cgroupsPath: "/runtime/c1", containerID: "c1", layout: Self.v2Layout)
        #expect(v2.paths == ["": "/sys/fs/cgroup/runtime/c1"])
    }

    @Test func relativePathIsFromOurOwnCgroup() throws {
        let hybrid = try CgroupLayout.parse(mountinfo: Self.hybridMountinfo, procSelfCgroup: Self.hybridSelf)
        let h = try Cgroups.makeHandle(cgroupsPath: "pod/c1", containerID: "c1", layout: hybrid)
        #expect(h.paths["memory"] == "/sys/fs/cgroup/memory/process_api/abc/pod/c1")
        #expect(h.paths["cpu"] == "/sys/fs/cgroup/cpu/pod/c1")
        // v2: from the parent of our own cgroup, which has no processes of its own.
        let v2 = try Cgroups.makeHandle(cgroupsPath: "pod/c1", containerID: "c1", layout: Self.v2Layout)
        #expect(v2.paths[""] == "/sys/fs/cgroup/user.slice/pod/c1")
    }

    @Test func noPathMeansTheContainerIDRelative() throws {
        let v2 = try Cgroups.makeHandle(cgroupsPath: nil, containerID: "abc", layout: Self.v2Layout)
        #expect(v2.paths[""] == "/sys/fs/cgroup/user.slice/abc")
        let empty = try Cgroups.makeHandle(cgroupsPath: "", containerID: "abc", layout: Self.v2Layout)
        #expect(empty == v2)
    }

    @Test func dotDotCannotClimbOutAndRootIsRefused() throws {
        let v2 = try Cgroups.makeHandle(cgroupsPath: "../../../etc", containerID: "x", layout: Self.v2Layout)
        #expect(v2.paths[""] == "/sys/fs/cgroup/user.slice/etc")
        let abs = try Cgroups.makeHandle(cgroupsPath: "/../../x", containerID: "x", layout: Self.v2Layout)
        #expect(abs.paths[""] == "/sys/fs/cgroup/x")
        for bad in ["/", "/..", "..", "."] {
            #expect(throws: CgroupError.self) {
                try Cgroups.makeHandle(cgroupsPath: bad, containerID: "x", layout: Self.v2Layout)
            }
        }
    }

    @Test func handleRoundTripsThroughJSON() throws {
        let h = CgroupHandle(
            kind: .hybrid, paths: ["pids": "/a/b", "": "/u/b"], mountPoints: ["pids": "/a", "": "/u"],
            created: ["/a/b"])
        let m = Cgroups.open(h)
        #expect(m.handle == h)
        #expect(m is V1Manager)
        #expect(Cgroups.open(CgroupHandle(kind: .unified, paths: ["": "/x"], mountPoints: ["": "/"])) is V2Manager)
    }

    @Test func pathHelpers() {
        #expect(cleanPath("/a//b/./c/../d/") == "/a/b/d")
        #expect(cleanPath("/..") == "/")
        #expect(safeCgroupPath("../../a/b") == "a/b")
        #expect(safeCgroupPath("/a/../../b") == "/b")
        #expect(unescapeMountField("/a\\040b\\011c") == "/a b\tc")
        #expect(parentPath("/a/b") == "/a")
        #expect(parentPath("/a") == "/")
    }
}
