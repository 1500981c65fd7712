import Testing
@testable import Cgroups

/// `exec --cgroup`: runc 1.1's parsing of the flag, and the directories it leads to.
@Suite struct SubCgroupsTests {
    @Test func parsesOneSubOrPerControllerSubs() throws {
        #expect(try SubCgroups.parse([]) == [:])
        #expect(try SubCgroups.parse(["a/b"]) == ["": "a/b"])
        #expect(try SubCgroups.parse(["cpu,cpuacct:x", "memory:y"]) == ["cpu": "x", "cpuacct": "x", "memory": "y"])
    }

    @Test(arguments: [["a", "b"], [":x"], ["cpu,:x"], ["cpu:x", "cpu:y"], ["a", "cpu:x"]])
    func refusesWhatRuncRefuses(_ values: [String]) {
        #expect(throws: CgroupError.self) { try SubCgroups.parse(values) }
    }

    @Test func subCgroupsReplaceTheContainersDirectories() throws {
        let t = try TempTree()
        let cpu = try t.dir("cpu/c1"), memory = try t.dir("memory/c1")
        try t.dir("cpu/c1/s")
        try t.dir("memory/c1/s")
        let handle = CgroupHandle(
            kind: .v1, paths: ["cpu": cpu, "cpuacct": cpu, "memory": memory],
            mountPoints: ["cpu": t.root + "/cpu", "cpuacct": t.root + "/cpu", "memory": t.root + "/memory"])
        #expect(try handle.below(["": "s"]).paths == ["cpu": cpu + "/s", "cpuacct": cpu + "/s", "memory": memory + "/s"])
        #expect(try handle.below(["memory": "/s/"]).paths == ["cpu": cpu, "cpuacct": cpu, "memory": memory + "/s"])
        #expect(try handle.below([:]) == handle)
        #expect(throws: CgroupError.self) { try handle.below(["": ".."]) }  // not below
        #expect(throws: CgroupError.self) { try handle.below(["": "s/../../c1x"]) }
        #expect(throws: CgroupError.self) { try handle.below(["": "missing"]) }
        #expect(throws: CgroupError.self) { try handle.below(["pids": "s"]) }  // not a hierarchy of it
    }
}
