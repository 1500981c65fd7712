/// v1 → v2 value conversions. The formulas are runc's (libcontainer/cgroups
/// utils.go), so a spec written for v1 means the same on both runtimes.
public enum CgroupConversions {
    /// cpu.shares [2, 262144] → cpu.weight [1, 10000]; 0 means "not set".
    /// runc's ConvertCPUSharesToCgroupV2Value, refusing what cpu.weight would refuse
    /// (and what would overflow the formula).
    public static func cpuWeight(fromShares shares: UInt64) throws -> UInt64 {
        if shares == 0 { return 0 }
        guard shares <= 262_144 else {
            throw CgroupError("linux.resources.cpu.shares: \(shares) is out of range 2...262144")
        }
        let s = max(shares, 2)
        return 1 + ((s - 2) * 9999) / 262142
    }

    /// blkio.weight [10, 1000] → io.weight [1, 10000]; 0 means "not set".
    /// runc's ConvertBlkIOToIOWeightValue.
    public static func ioWeight(fromBlkioWeight weight: UInt16) -> UInt64 {
        if weight == 0 { return 0 }
        let w = UInt64(max(weight, 10))
        return 1 + (w - 10) * 9999 / 990
    }

    /// v1 memory.memsw (memory+swap) → v2 memory.swap.max (swap only).
    /// Returns nil for "leave unset", -1 for "max". runc's
    /// ConvertMemorySwapToCgroupV2Value, with nil for its "0 = unset".
    public static func swapMax(memorySwap: Int64?, memoryLimit: Int64?) throws -> Int64? {
        let swap = memorySwap ?? 0, limit = memoryLimit ?? 0
        // v1 compatibility: unlimited memory with swap not given means unlimited swap.
        if limit == -1 && swap == 0 { return -1 }
        if swap == -1 { return -1 }
        if swap == 0 { return nil }
        if limit == 0 || limit == -1 {
            throw CgroupError("memory.swap: unable to set a swap limit without a memory limit")
        }
        if limit < 0 { throw CgroupError("memory.limit: invalid value \(limit)") }
        if swap < limit {
            throw CgroupError("memory.swap: memory+swap limit \(swap) must be >= the memory limit \(limit)")
        }
        return swap - limit
    }

    /// A v2 number file: -1 → "max", 0 → nil (unset), else the decimal (runc's numToStr).
    static func v2Number(_ v: Int64?) -> String? {
        guard let v, v != 0 else { return nil }
        return v == -1 ? "max" : String(v)
    }

    /// pids limit: 0 or negative means unlimited (runc's specconv).
    static func pidsMax(_ limit: Int64) -> String {
        limit <= 0 ? "max" : String(limit)
    }

    /// cpu.max: "$QUOTA $PERIOD", quota "max" when not positive, period omitted when unset.
    static func cpuMax(quota: Int64?, period: UInt64?) -> String? {
        let q = quota ?? 0, p = period ?? 0
        if q == 0 && p == 0 { return nil }
        var s = q > 0 ? String(q) : "max"
        if p != 0 { s += " \(p)" }
        return s
    }
}
