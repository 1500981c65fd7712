import Testing
@testable import Cgroups

@Suite struct ConversionTests {
    @Test func cpuSharesToWeightMatchesRunc() throws {
        #expect(try CgroupConversions.cpuWeight(fromShares: 0) == 0)
        #expect(try CgroupConversions.cpuWeight(fromShares: 2) == 1)
        #expect(try CgroupConversions.cpuWeight(fromShares: 1024) == 39)  // the v1 default → 39
        #expect(try CgroupConversions.cpuWeight(fromShares: 262144) == 10000)
        // Beyond cpu.weight's range, and once past the formula's overflow point: an error, not a trap.
        #expect(throws: CgroupError.self) { try CgroupConversions.cpuWeight(fromShares: 262145) }
        #expect(throws: CgroupError.self) { try CgroupConversions.cpuWeight(fromShares: UInt64.max) }
    }

    @Test func blkioWeightToIOWeightMatchesRunc() {
        #expect(CgroupConversions.ioWeight(fromBlkioWeight: 0) == 0)
        #expect(CgroupConversions.ioWeight(fromBlkioWeight: 10) == 1)
        #expect(CgroupConversions.ioWeight(fromBlkioWeight: 500) == 4950)
        #expect(CgroupConversions.ioWeight(fromBlkioWeight: 1000) == 10000)
    }

    @Test func memswIsConvertedToSwapOnly() throws {
        #expect(try CgroupConversions.swapMax(memorySwap: 300, memoryLimit: 100) == 200)
        #expect(try CgroupConversions.swapMax(memorySwap: 100, memoryLimit: 100) == 0)  // no swap at all
        #expect(try CgroupConversions.swapMax(memorySwap: -1, memoryLimit: 100) == -1)
        #expect(try CgroupConversions.swapMax(memorySwap: nil, memoryLimit: -1) == -1)
        #expect(try CgroupConversions.swapMax(memorySwap: nil, memoryLimit: 100) == nil)
        #expect(throws: CgroupError.self) { try CgroupConversions.swapMax(memorySwap: 50, memoryLimit: 100) }
        #expect(throws: CgroupError.self) { try CgroupConversions.swapMax(memorySwap: 50, memoryLimit: nil) }
    }

    @Test func cpuMaxAndPids() {
        #expect(CgroupConversions.cpuMax(quota: 50000, period: 100000) == "50000 100000")
        #expect(CgroupConversions.cpuMax(quota: -1, period: 100000) == "max 100000")
        #expect(CgroupConversions.cpuMax(quota: 20000, period: nil) == "20000")
        #expect(CgroupConversions.cpuMax(quota: nil, period: nil) == nil)
        #expect(CgroupConversions.pidsMax(20) == "20")
        #expect(CgroupConversions.pidsMax(0) == "max")
        #expect(CgroupConversions.pidsMax(-1) == "max")
    }

    @Test func parsers() {
        #expect(parseCPUList("0-3,8,10-11\n") == [0, 1, 2, 3, 8, 10, 11])
        #expect(parseKeyValues("user 10\nsystem 20\nbad\n") == ["user": 10, "system": 20])
        #expect(
            V1Stats.parseBlkio("8:0 Read 4096\n8:0 Write 0\nTotal 4096\n8:16 77\n") == [
                BlkioEntry(major: 8, minor: 0, op: "Read", value: 4096),
                BlkioEntry(major: 8, minor: 0, op: "Write", value: 0),
                BlkioEntry(major: 8, minor: 16, value: 77)
            ])
        #expect(quoted("a\"b\n") == "\"a\\\"b\\n\"")
    }
}
