#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Testing
@testable import Cgroups

/// The JSON must read like runc's `events --stats` data (types/events.go).
@Suite struct StatsJSONTests {
    func json(_ s: CgroupStats) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return String(decoding: try e.encode(s), as: UTF8.self)
    }

    @Test func zeroStatsKeepOnlyTheFieldsGoAlwaysEmits() throws {
        #expect(
            try json(CgroupStats()) == """
                {"blkio":{},"cpu":{"throttling":{},"usage":{"kernel":0,"user":0}},\
                "cpuset":{"cpu_exclusive":0,"mem_exclusive":0,"mem_hardwall":0,"memory_migrate":0,\
                "memory_pressure":0,"memory_spread_page":0,"memory_spread_slab":0,"sched_load_balance":0,\
                "sched_relax_domain_level":0},\
                "hugetlb":{},"memory":{"kernel":{"failcnt":0,"limit":0},"kernelTCP":{"failcnt":0,"limit":0},\
                "swap":{"failcnt":0,"limit":0},"usage":{"failcnt":0,"limit":0}},"pids":{}}
                """)
    }

    @Test func filledStatsUseRuncKeysAndRoundTrip() throws {
        var s = CgroupStats()
        s.cpu.usage.total = 5
        s.cpu.usage.percpu = [2, 3]
        s.cpu.usage.percpuKernel = [1, 1]
        s.cpu.throttling.throttledPeriods = 1
        s.memory.usage.usage = 10
        s.memory.usage.max = 12
        s.memory.raw = ["cache": 1]
        s.pids.current = 3
        s.pids.limit = 20
        s.blkio.ioQueuedRecursive = [BlkioEntry(major: 8, op: "Read", value: 1)]
        var h = HugetlbStats()
        h.usage = 2
        s.hugetlb["2MB"] = h
        let text = try json(s)
        for key in [
            "\"percpu\":[2,3]", "\"percpu_kernel\":[1,1]", "\"throttledPeriods\":1",
            "\"usage\":{\"failcnt\":0,\"limit\":0,\"max\":12,\"usage\":10}", "\"raw\":{\"cache\":1}",
            "\"pids\":{\"current\":3,\"limit\":20}", "\"ioQueueRecursive\":[{\"major\":8,\"op\":\"Read\",\"value\":1}]",
            "\"hugetlb\":{\"2MB\":{\"failcnt\":0,\"usage\":2}}"
        ] {
            #expect(text.contains(key), "\(key) missing in \(text)")
        }
        #expect(try JSONDecoder().decode(CgroupStats.self, from: Data(text.utf8)) == s)
        #expect(try JSONDecoder().decode(CgroupStats.self, from: Data("{}".utf8)) == CgroupStats())
    }
}
