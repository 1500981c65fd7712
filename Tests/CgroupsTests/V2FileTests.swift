import OCISpec
import Testing
@testable import Cgroups

/// cgroup v2 writes, against a temporary directory laid out like cgroupfs (this
/// host has no v2 controllers). The files exist beforehand, as the kernel's do.
@Suite struct V2FileTests {
    static let leafFiles: [String: String] = [
        "cgroup.procs": "", "cgroup.controllers": "cpuset cpu io memory hugetlb pids rdma\n",
        "cgroup.subtree_control": "", "cgroup.freeze": "0\n", "cgroup.events": "populated 0\nfrozen 0\n",
        "pids.max": "max\n", "memory.max": "max\n", "memory.low": "0\n", "memory.swap.max": "max\n",
        "memory.current": "4096\n", "memory.swap.current": "0\n",
        "cpu.weight": "100\n", "cpu.max": "max 100000\n", "cpu.max.burst": "0\n", "cpu.idle": "0\n",
        "cpuset.cpus": "\n", "cpuset.mems": "\n", "io.weight": "default 100\n", "io.max": "",
        "hugetlb.2MB.max": "max\n", "hugetlb.2MB.rsvd.max": "max\n", "rdma.max": "",
        "memory.high": "max\n"
    ]

    /// mount/ (root) → a/ (exists, ours to leave) → a/c1 (created by the manager).
    func makeTree() throws -> (TempTree, V2Manager, Recorder) {
        let t = try TempTree()
        try t.dir(
            "",
            [
                "cgroup.controllers": "cpuset cpu io memory hugetlb pids rdma misc\n",
                "cgroup.subtree_control": "cpu memory\n"
            ])
        try t.dir("a", ["cgroup.controllers": "cpuset cpu io memory pids\n", "cgroup.subtree_control": ""])
        let rec = Recorder()
        let handle = CgroupHandle(kind: .unified, paths: ["": t.root + "/a/c1"], mountPoints: ["": t.root])
        let m = V2Manager(handle: handle, installDevices: { rules, dir in rec.calls.append((rules, dir)) })
        return (t, m, rec)
    }

    final class Recorder: @unchecked Sendable { var calls: [([DeviceRule], String)] = [] }

    @Test func createRecordsDirectoriesAndEnablesControllersTopDown() throws {
        let (t, m, _) = try makeTree()
        try m.create()
        #expect(m.handle.created == [t.root + "/a/c1"])
        #expect(isDir(t.root + "/a/c1"))
        // Root had cpu and memory already: only the rest is asked for, in one write.
        #expect(read(t.root + "/cgroup.subtree_control") == "+cpuset +io +hugetlb +pids +rdma +misc")
        #expect(read(t.root + "/a/cgroup.subtree_control") == "+cpuset +cpu +io +memory +pids")
    }

    @Test func appliesEveryControllerWithRuncConversions() throws {
        let (t, m, rec) = try makeTree()
        try m.create()
        let leaf = try t.dir("a/c1", Self.leafFiles)
        let r = LinuxResources(
            devices: [.init(allow: false), .init(allow: true, type: "c", major: 1, minor: 3, access: "rwm")],
            memory: .init(limit: 64 << 20, reservation: 32 << 20, swap: 96 << 20, kernel: 1 << 20, swappiness: 10),
            cpu: .init(
                shares: 1024, quota: 50000, burst: 1000, period: 100000, realtimeRuntime: 5,
                cpus: "0-1", mems: "0", idle: 0),
            pids: .init(limit: 20),
            blockIO: .init(
                weight: 500, weightDevice: [.init(major: 8, minor: 0, weight: 1000)],
                throttleReadBpsDevice: [.init(major: 8, minor: 0, rate: 1_048_576)],
                throttleWriteIOPSDevice: [
                    .init(major: 8, minor: 0, rate: 100),
                    .init(major: 8, minor: 16, rate: 7)
                ]),
            hugepageLimits: [.init(pageSize: "2MB", limit: 4 << 20)],
            network: .init(classID: 42),
            rdma: ["mlx4_0": .init(hcaHandles: 2, hcaObjects: 2000)],
            unified: ["memory.high": "50331648"])
        let warnings = try m.apply(r, isUpdate: false)

        #expect(read(leaf + "/pids.max") == "20")
        #expect(read(leaf + "/memory.max") == "67108864")
        #expect(read(leaf + "/memory.swap.max") == "33554432")  // memsw 96M - 64M
        #expect(read(leaf + "/memory.low") == "33554432")
        #expect(read(leaf + "/cpu.weight") == "39")
        #expect(read(leaf + "/cpu.max") == "50000 100000")
        #expect(read(leaf + "/cpu.max.burst") == "1000")
        #expect(read(leaf + "/cpu.idle") == "0")
        #expect(read(leaf + "/cpuset.cpus") == "0-1")
        #expect(read(leaf + "/cpuset.mems") == "0")
        // No io.bfq.weight here: io.weight gets the converted weight (last write wins in a plain file).
        #expect(read(leaf + "/io.weight") == "8:0 10000")
        #expect(read(leaf + "/io.max") == "8:16 wiops=7")
        #expect(V2Resources.ioMaxLines(r.blockIO!) == ["8:0 rbps=1048576 wiops=100", "8:16 wiops=7"])
        #expect(read(leaf + "/hugetlb.2MB.max") == "4194304")
        #expect(read(leaf + "/hugetlb.2MB.rsvd.max") == "4194304")
        #expect(read(leaf + "/rdma.max") == "mlx4_0 hca_handle=2 hca_object=2000")
        #expect(read(leaf + "/memory.high") == "50331648")
        #expect(rec.calls.count == 1)
        #expect(rec.calls.first?.1 == leaf)
        #expect(rec.calls.first?.0.count == 2)
        let texts = warnings.map(\.message).joined(separator: "\n")
        #expect(texts.contains("memory.kernel"))
        #expect(texts.contains("swappiness"))
        #expect(texts.contains("realtime"))
        #expect(texts.contains("network"))
    }

    @Test func bfqTakesTheWeightUnconverted() throws {
        let (t, m, _) = try makeTree()
        try m.create()
        let leaf = try t.dir("a/c1", Self.leafFiles.merging(["io.bfq.weight": "default 100\n"]) { $1 })
        try m.apply(LinuxResources(blockIO: .init(weight: 500)), isUpdate: false)
        #expect(read(leaf + "/io.bfq.weight") == "500")
        #expect(read(leaf + "/io.weight") == "default 100")
    }

    @Test func unlimitedValuesAndNoSwapAccounting() throws {
        let (t, m, _) = try makeTree()
        try m.create()
        var files = Self.leafFiles
        files["memory.swap.max"] = nil  // kernel without swap accounting
        let leaf = try t.dir("a/c1", files)
        try m.apply(
            LinuxResources(
                memory: .init(limit: -1), cpu: .init(quota: -1, period: 100000),
                pids: .init(limit: 0)), isUpdate: false)
        #expect(read(leaf + "/memory.max") == "max")
        #expect(read(leaf + "/cpu.max") == "max 100000")
        #expect(read(leaf + "/pids.max") == "max")
        // A real swap limit without the file is an error naming file and value.
        let e = #expect(throws: CgroupError.self) {
            try m.apply(LinuxResources(memory: .init(limit: 100, swap: 300)), isUpdate: false)
        }
        #expect(e?.description == "cgroup: writing \"200\" to \(leaf)/memory.swap.max: No such file or directory")
    }

    @Test func missingControllerFileNamesFileValueAndCause() throws {
        let (t, m, _) = try makeTree()
        try m.create()
        _ = try t.dir("a/c1", ["cgroup.controllers": "memory\n"])
        let e = #expect(throws: CgroupError.self) {
            try m.apply(LinuxResources(pids: .init(limit: 5)), isUpdate: false)
        }
        #expect(
            e?.description
                == "cgroup: writing \"5\" to \(t.root)/a/c1/pids.max: No such file or directory (is the pids controller enabled in the parent's cgroup.subtree_control?)"
        )
    }

    @Test func unifiedRefusesPathsAndWritesLineByLine() throws {
        let (t, m, _) = try makeTree()
        try m.create()
        let leaf = try t.dir("a/c1", Self.leafFiles)
        for bad in ["../pids.max", "a/b", "..", ""] {
            #expect(throws: CgroupError.self) { try m.apply(LinuxResources(unified: [bad: "1"]), isUpdate: false) }
        }
        try m.apply(LinuxResources(unified: ["io.max": "8:0 rbps=1\n8:16 wbps=2\n"]), isUpdate: false)
        #expect(read(leaf + "/io.max") == "8:16 wbps=2")  // the last of two separate writes
        let e = #expect(throws: CgroupError.self) {
            try m.apply(LinuxResources(unified: ["frob.knob": "1"]), isUpdate: false)
        }
        #expect(e?.description.contains("controller \"frob\" is not available") == true)
    }

    @Test func checkBeforeUpdateRefusesLimitBelowUsage() throws {
        let (t, m, _) = try makeTree()
        try m.create()
        let leaf = try t.dir("a/c1", Self.leafFiles)
        let r = LinuxResources(memory: .init(limit: 1024, checkBeforeUpdate: true))
        #expect(throws: CgroupError.self) { try m.apply(r, isUpdate: true) }
        #expect(read(leaf + "/memory.max") == "max")
        try m.apply(r, isUpdate: false)  // only checked on update
        #expect(read(leaf + "/memory.max") == "1024")
    }

    @Test func freezeWritesAndWaitsForEvents() throws {
        let (t, m, _) = try makeTree()
        try m.create()
        let leaf = try t.dir("a/c1", Self.leafFiles.merging(["cgroup.events": "populated 1\nfrozen 1\n"]) { $1 })
        try m.freeze()
        #expect(read(leaf + "/cgroup.freeze") == "1")
        #expect(m.isFrozen())
        try t.put(leaf + "/cgroup.events", "populated 1\nfrozen 0\n")
        try m.thaw()
        #expect(read(leaf + "/cgroup.freeze") == "0")
        #expect(!m.isFrozen())
    }

    @Test func statsFromV2Files() throws {
        let (t, m, _) = try makeTree()
        try m.create()
        let leaf = try t.dir(
            "a/c1",
            Self.leafFiles.merging([
                "cpu.stat": "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\nnr_periods 10\nnr_throttled 2\nthrottled_usec 30\n",
                "memory.stat": "anon 4096\nfile 8192\n", "memory.max": "67108864\n", "memory.peak": "9000\n",
                "memory.events": "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n",
                "memory.swap.current": "100\n", "memory.swap.max": "max\n",
                "pids.current": "2\n", "pids.max": "20\n",
                "io.stat": "8:0 rbytes=4096 wbytes=0 rios=1 wios=0 dbytes=0 dios=0\n",
                "hugetlb.2MB.current": "0\n", "hugetlb.2MB.events": "max 0\n",
                "cpuset.cpus.effective": "0-1\n", "cpuset.mems.effective": "0\n"
            ]) { $1 })
        _ = leaf
        let s = try m.stats()
        #expect(s.cpu.usage.total == 1_500_000)
        #expect(s.cpu.usage.user == 1_000_000)
        #expect(s.cpu.usage.kernel == 500_000)
        #expect(s.cpu.throttling.throttledTime == 30_000)
        #expect(s.memory.usage.usage == 4096)
        #expect(s.memory.usage.limit == 67_108_864)
        #expect(s.memory.usage.max == 9000)
        #expect(s.memory.usage.failcnt == 3)
        #expect(s.memory.swap.usage == 4196)
        #expect(s.memory.swap.limit == UInt64.max)
        #expect(s.memory.cache == 8192)
        #expect(s.memory.raw["anon"] == 4096)
        #expect(s.pids.current == 2 && s.pids.limit == 20)
        #expect(s.blkio.ioServiceBytesRecursive.first == BlkioEntry(major: 8, minor: 0, op: "Read", value: 4096))
        #expect(s.blkio.ioServicedRecursive.count == 3)
        #expect(s.hugetlb["2MB"] == HugetlbStats())
        #expect(s.cpuset.cpus == [0, 1])
        #expect(m.oomKillCount() == 1)
        let fd = try #require(try m.oomEventFD())
        close(fd)
    }
}

import Glibc
