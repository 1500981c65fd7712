/// The "data" object of runc's `events --stats` (types/events.go), encoded the way
/// Go encodes it: fields tagged omitempty disappear when zero or empty, the others
/// are always present. Missing fields decode as zero.
public struct CgroupStats: Codable, Sendable, Equatable {
    public var cpu = CPUStats()
    public var cpuset = CPUSetStats()
    public var memory = MemoryStats()
    public var pids = PidsStats()
    public var blkio = BlkioStats()
    /// Page size ("2MB") → usage.
    public var hugetlb: [String: HugetlbStats] = [:]

    public init() {}

    enum CodingKeys: String, CodingKey { case cpu, cpuset, memory, pids, blkio, hugetlb }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        cpu = try c.decodeIfPresent(CPUStats.self, forKey: .cpu) ?? .init()
        cpuset = try c.decodeIfPresent(CPUSetStats.self, forKey: .cpuset) ?? .init()
        memory = try c.decodeIfPresent(MemoryStats.self, forKey: .memory) ?? .init()
        pids = try c.decodeIfPresent(PidsStats.self, forKey: .pids) ?? .init()
        blkio = try c.decodeIfPresent(BlkioStats.self, forKey: .blkio) ?? .init()
        hugetlb = try c.decodeIfPresent([String: HugetlbStats].self, forKey: .hugetlb) ?? [:]
    }
}

public struct CPUStats: Codable, Sendable, Equatable {
    public var usage = CPUUsage()
    public var throttling = Throttling()
    public init() {}

    enum CodingKeys: String, CodingKey { case usage, throttling }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        usage = try c.decodeIfPresent(CPUUsage.self, forKey: .usage) ?? .init()
        throttling = try c.decodeIfPresent(Throttling.self, forKey: .throttling) ?? .init()
    }
}

/// Nanoseconds.
public struct CPUUsage: Codable, Sendable, Equatable {
    public var total: UInt64 = 0
    public var percpu: [UInt64] = []
    public var percpuKernel: [UInt64] = []
    public var percpuUser: [UInt64] = []
    public var kernel: UInt64 = 0
    public var user: UInt64 = 0
    public init() {}

    enum CodingKeys: String, CodingKey {
        case total, percpu, percpuKernel = "percpu_kernel", percpuUser = "percpu_user", kernel, user
    }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        total = try c.decodeIfPresent(UInt64.self, forKey: .total) ?? 0
        percpu = try c.decodeIfPresent([UInt64].self, forKey: .percpu) ?? []
        percpuKernel = try c.decodeIfPresent([UInt64].self, forKey: .percpuKernel) ?? []
        percpuUser = try c.decodeIfPresent([UInt64].self, forKey: .percpuUser) ?? []
        kernel = try c.decodeIfPresent(UInt64.self, forKey: .kernel) ?? 0
        user = try c.decodeIfPresent(UInt64.self, forKey: .user) ?? 0
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.omitEmpty(total, .total)
        try c.omitEmpty(percpu, .percpu)
        try c.omitEmpty(percpuKernel, .percpuKernel)
        try c.omitEmpty(percpuUser, .percpuUser)
        try c.encode(kernel, forKey: .kernel)
        try c.encode(user, forKey: .user)
    }
}

public struct Throttling: Codable, Sendable, Equatable {
    public var periods: UInt64 = 0
    public var throttledPeriods: UInt64 = 0
    /// Nanoseconds.
    public var throttledTime: UInt64 = 0
    public init() {}

    enum CodingKeys: String, CodingKey { case periods, throttledPeriods, throttledTime }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        periods = try c.decodeIfPresent(UInt64.self, forKey: .periods) ?? 0
        throttledPeriods = try c.decodeIfPresent(UInt64.self, forKey: .throttledPeriods) ?? 0
        throttledTime = try c.decodeIfPresent(UInt64.self, forKey: .throttledTime) ?? 0
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.omitEmpty(periods, .periods)
        try c.omitEmpty(throttledPeriods, .throttledPeriods)
        try c.omitEmpty(throttledTime, .throttledTime)
    }
}

public struct CPUSetStats: Codable, Sendable, Equatable {
    public var cpus: [UInt16] = []
    public var cpuExclusive: UInt64 = 0
    public var mems: [UInt16] = []
    public var memHardwall: UInt64 = 0
    public var memExclusive: UInt64 = 0
    public var memoryMigrate: UInt64 = 0
    public var memorySpreadPage: UInt64 = 0
    public var memorySpreadSlab: UInt64 = 0
    public var memoryPressure: UInt64 = 0
    public var schedLoadBalance: UInt64 = 0
    public var schedRelaxDomainLevel: Int64 = 0
    public init() {}

    enum CodingKeys: String, CodingKey {
        case cpus, cpuExclusive = "cpu_exclusive", mems, memHardwall = "mem_hardwall"
        case memExclusive = "mem_exclusive", memoryMigrate = "memory_migrate"
        case memorySpreadPage = "memory_spread_page", memorySpreadSlab = "memory_spread_slab"
        case memoryPressure = "memory_pressure", schedLoadBalance = "sched_load_balance"
        case schedRelaxDomainLevel = "sched_relax_domain_level"
    }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func u(_ k: CodingKeys) throws -> UInt64 { try c.decodeIfPresent(UInt64.self, forKey: k) ?? 0 }
        cpus = try c.decodeIfPresent([UInt16].self, forKey: .cpus) ?? []
        mems = try c.decodeIfPresent([UInt16].self, forKey: .mems) ?? []
        cpuExclusive = try u(.cpuExclusive)
        memHardwall = try u(.memHardwall)
        memExclusive = try u(.memExclusive)
        memoryMigrate = try u(.memoryMigrate)
        memorySpreadPage = try u(.memorySpreadPage)
        memorySpreadSlab = try u(.memorySpreadSlab)
        memoryPressure = try u(.memoryPressure)
        schedLoadBalance = try u(.schedLoadBalance)
        schedRelaxDomainLevel = try c.decodeIfPresent(Int64.self, forKey: .schedRelaxDomainLevel) ?? 0
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.omitEmpty(cpus, .cpus)
        try c.encode(cpuExclusive, forKey: .cpuExclusive)
        try c.omitEmpty(mems, .mems)
        try c.encode(memHardwall, forKey: .memHardwall)
        try c.encode(memExclusive, forKey: .memExclusive)
        try c.encode(memoryMigrate, forKey: .memoryMigrate)
        try c.encode(memorySpreadPage, forKey: .memorySpreadPage)
        try c.encode(memorySpreadSlab, forKey: .memorySpreadSlab)
        try c.encode(memoryPressure, forKey: .memoryPressure)
        try c.encode(schedLoadBalance, forKey: .schedLoadBalance)
        try c.encode(schedRelaxDomainLevel, forKey: .schedRelaxDomainLevel)
    }
}

public struct MemoryStats: Codable, Sendable, Equatable {
    public var cache: UInt64 = 0
    public var usage = MemoryEntry()
    /// Memory + swap, as v1 reports it (v2 values are combined to match, like runc).
    public var swap = MemoryEntry()
    public var kernel = MemoryEntry()
    public var kernelTCP = MemoryEntry()
    /// memory.stat as is.
    public var raw: [String: UInt64] = [:]
    public init() {}

    enum CodingKeys: String, CodingKey { case cache, usage, swap, kernel, kernelTCP, raw }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        cache = try c.decodeIfPresent(UInt64.self, forKey: .cache) ?? 0
        usage = try c.decodeIfPresent(MemoryEntry.self, forKey: .usage) ?? .init()
        swap = try c.decodeIfPresent(MemoryEntry.self, forKey: .swap) ?? .init()
        kernel = try c.decodeIfPresent(MemoryEntry.self, forKey: .kernel) ?? .init()
        kernelTCP = try c.decodeIfPresent(MemoryEntry.self, forKey: .kernelTCP) ?? .init()
        raw = try c.decodeIfPresent([String: UInt64].self, forKey: .raw) ?? [:]
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.omitEmpty(cache, .cache)
        try c.encode(usage, forKey: .usage)
        try c.encode(swap, forKey: .swap)
        try c.encode(kernel, forKey: .kernel)
        try c.encode(kernelTCP, forKey: .kernelTCP)
        if !raw.isEmpty { try c.encode(raw, forKey: .raw) }
    }
}

public struct MemoryEntry: Codable, Sendable, Equatable {
    public var limit: UInt64 = 0
    public var usage: UInt64 = 0
    public var max: UInt64 = 0
    public var failcnt: UInt64 = 0
    public init() {}

    enum CodingKeys: String, CodingKey { case limit, usage, max, failcnt }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        limit = try c.decodeIfPresent(UInt64.self, forKey: .limit) ?? 0
        usage = try c.decodeIfPresent(UInt64.self, forKey: .usage) ?? 0
        max = try c.decodeIfPresent(UInt64.self, forKey: .max) ?? 0
        failcnt = try c.decodeIfPresent(UInt64.self, forKey: .failcnt) ?? 0
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(limit, forKey: .limit)
        try c.omitEmpty(usage, .usage)
        try c.omitEmpty(max, .max)
        try c.encode(failcnt, forKey: .failcnt)
    }
}

public struct PidsStats: Codable, Sendable, Equatable {
    public var current: UInt64 = 0
    /// 0 when unlimited.
    public var limit: UInt64 = 0
    public init() {}

    enum CodingKeys: String, CodingKey { case current, limit }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        current = try c.decodeIfPresent(UInt64.self, forKey: .current) ?? 0
        limit = try c.decodeIfPresent(UInt64.self, forKey: .limit) ?? 0
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.omitEmpty(current, .current)
        try c.omitEmpty(limit, .limit)
    }
}

public struct BlkioEntry: Codable, Sendable, Equatable {
    public var major: UInt64 = 0
    public var minor: UInt64 = 0
    public var op: String = ""
    public var value: UInt64 = 0
    public init(major: UInt64 = 0, minor: UInt64 = 0, op: String = "", value: UInt64 = 0) {
        self.major = major
        self.minor = minor
        self.op = op
        self.value = value
    }

    enum CodingKeys: String, CodingKey { case major, minor, op, value }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        major = try c.decodeIfPresent(UInt64.self, forKey: .major) ?? 0
        minor = try c.decodeIfPresent(UInt64.self, forKey: .minor) ?? 0
        op = try c.decodeIfPresent(String.self, forKey: .op) ?? ""
        value = try c.decodeIfPresent(UInt64.self, forKey: .value) ?? 0
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.omitEmpty(major, .major)
        try c.omitEmpty(minor, .minor)
        if !op.isEmpty { try c.encode(op, forKey: .op) }
        try c.omitEmpty(value, .value)
    }
}

public struct BlkioStats: Codable, Sendable, Equatable {
    public var ioServiceBytesRecursive: [BlkioEntry] = []
    public var ioServicedRecursive: [BlkioEntry] = []
    public var ioQueuedRecursive: [BlkioEntry] = []
    public var ioServiceTimeRecursive: [BlkioEntry] = []
    public var ioWaitTimeRecursive: [BlkioEntry] = []
    public var ioMergedRecursive: [BlkioEntry] = []
    public var ioTimeRecursive: [BlkioEntry] = []
    public var sectorsRecursive: [BlkioEntry] = []
    public init() {}

    // "ioQueueRecursive" (sic) is the key runc emits.
    enum CodingKeys: String, CodingKey {
        case ioServiceBytesRecursive, ioServicedRecursive, ioQueuedRecursive = "ioQueueRecursive"
        case ioServiceTimeRecursive, ioWaitTimeRecursive, ioMergedRecursive, ioTimeRecursive
        case sectorsRecursive
    }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func l(_ k: CodingKeys) throws -> [BlkioEntry] { try c.decodeIfPresent([BlkioEntry].self, forKey: k) ?? [] }
        ioServiceBytesRecursive = try l(.ioServiceBytesRecursive)
        ioServicedRecursive = try l(.ioServicedRecursive)
        ioQueuedRecursive = try l(.ioQueuedRecursive)
        ioServiceTimeRecursive = try l(.ioServiceTimeRecursive)
        ioWaitTimeRecursive = try l(.ioWaitTimeRecursive)
        ioMergedRecursive = try l(.ioMergedRecursive)
        ioTimeRecursive = try l(.ioTimeRecursive)
        sectorsRecursive = try l(.sectorsRecursive)
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.omitEmpty(ioServiceBytesRecursive, .ioServiceBytesRecursive)
        try c.omitEmpty(ioServicedRecursive, .ioServicedRecursive)
        try c.omitEmpty(ioQueuedRecursive, .ioQueuedRecursive)
        try c.omitEmpty(ioServiceTimeRecursive, .ioServiceTimeRecursive)
        try c.omitEmpty(ioWaitTimeRecursive, .ioWaitTimeRecursive)
        try c.omitEmpty(ioMergedRecursive, .ioMergedRecursive)
        try c.omitEmpty(ioTimeRecursive, .ioTimeRecursive)
        try c.omitEmpty(sectorsRecursive, .sectorsRecursive)
    }
}

public struct HugetlbStats: Codable, Sendable, Equatable {
    public var usage: UInt64 = 0
    public var max: UInt64 = 0
    public var failcnt: UInt64 = 0
    public init() {}

    enum CodingKeys: String, CodingKey { case usage, max, failcnt }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        usage = try c.decodeIfPresent(UInt64.self, forKey: .usage) ?? 0
        max = try c.decodeIfPresent(UInt64.self, forKey: .max) ?? 0
        failcnt = try c.decodeIfPresent(UInt64.self, forKey: .failcnt) ?? 0
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.omitEmpty(usage, .usage)
        try c.omitEmpty(max, .max)
        try c.encode(failcnt, forKey: .failcnt)
    }
}

extension KeyedEncodingContainer {
    /// Go's omitempty for numbers.
    mutating func omitEmpty<N: BinaryInteger & Encodable>(_ v: N, _ key: Key) throws {
        if v != 0 { try encode(v, forKey: key) }
    }

    /// Go's omitempty for slices.
    mutating func omitEmpty<T: Encodable>(_ v: [T], _ key: Key) throws {
        if !v.isEmpty { try encode(v, forKey: key) }
    }
}
