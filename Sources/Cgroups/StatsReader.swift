/// Filling CgroupStats from v1 and v2 files, following runc's GetStats. Files
/// a kernel does not have leave their fields at zero.
enum V1Stats {
    /// USER_HZ: cpuacct.stat counts in clock ticks (runc assumes 100 too).
    static let clockTicks: UInt64 = 100

    static func collect(paths: [String: String]) throws -> CgroupStats {
        var s = CgroupStats()
        if let d = paths["cpuacct"] {
            s.cpu.usage.total = CgroupFile.readUIntIfPresent(d, "cpuacct.usage") ?? 0
            s.cpu.usage.percpu = numbers((try? CgroupFile.read(d, "cpuacct.usage_percpu")) ?? "")
            let stat = (try? CgroupFile.readKeyValues(d, "cpuacct.stat")) ?? [:]
            s.cpu.usage.user = (stat["user"] ?? 0) * 1_000_000_000 / clockTicks
            s.cpu.usage.kernel = (stat["system"] ?? 0) * 1_000_000_000 / clockTicks
            // "cpu user system" then one line per CPU, in nanoseconds.
            if let all = try? CgroupFile.read(d, "cpuacct.usage_all") {
                for line in all.split(separator: "\n").dropFirst() {
                    let f = line.split(separator: " ").compactMap { UInt64($0) }
                    guard f.count == 3 else { continue }
                    s.cpu.usage.percpuUser.append(f[1])
                    s.cpu.usage.percpuKernel.append(f[2])
                }
            }
        }
        if let d = paths["cpu"], let stat = try? CgroupFile.readKeyValues(d, "cpu.stat") {
            s.cpu.throttling.periods = stat["nr_periods"] ?? 0
            s.cpu.throttling.throttledPeriods = stat["nr_throttled"] ?? 0
            s.cpu.throttling.throttledTime = stat["throttled_time"] ?? 0
        }
        if let d = paths["cpuset"] { s.cpuset = cpusetStats(d, effective: false) }
        if let d = paths["memory"] {
            let raw = (try? CgroupFile.readKeyValues(d, "memory.stat")) ?? [:]
            s.memory.raw = raw
            s.memory.cache = raw["cache"] ?? 0
            s.memory.usage = memoryEntry(d, "memory")
            s.memory.swap = memoryEntry(d, "memory.memsw")
            s.memory.kernel = memoryEntry(d, "memory.kmem")
            s.memory.kernelTCP = memoryEntry(d, "memory.kmem.tcp")
        }
        if let d = paths["pids"] { s.pids = pidsStats(d) }
        if let d = paths["blkio"] { s.blkio = blkioStats(d) }
        if let d = paths["hugetlb"] {
            for size in hugepageSizes(d, suffix: ".limit_in_bytes") {
                var h = HugetlbStats()
                h.usage = CgroupFile.readUIntIfPresent(d, "hugetlb.\(size).usage_in_bytes") ?? 0
                h.max = CgroupFile.readUIntIfPresent(d, "hugetlb.\(size).max_usage_in_bytes") ?? 0
                h.failcnt = CgroupFile.readUIntIfPresent(d, "hugetlb.\(size).failcnt") ?? 0
                s.hugetlb[size] = h
            }
        }
        return s
    }

    static func memoryEntry(_ d: String, _ prefix: String) -> MemoryEntry {
        var e = MemoryEntry()
        e.usage = CgroupFile.readUIntIfPresent(d, prefix + ".usage_in_bytes") ?? 0
        e.max = CgroupFile.readUIntIfPresent(d, prefix + ".max_usage_in_bytes") ?? 0
        e.failcnt = CgroupFile.readUIntIfPresent(d, prefix + ".failcnt") ?? 0
        e.limit = CgroupFile.readUIntIfPresent(d, prefix + ".limit_in_bytes") ?? 0
        return e
    }

    /// CFQ's files when it has data, else BFQ's, else the throttling layer's
    /// (which every kernel has), as runc's BlkioGroup.GetStats.
    static func blkioStats(_ d: String) -> BlkioStats {
        var b = BlkioStats()
        func entries(_ file: String) -> [BlkioEntry]? {
            guard let text = try? CgroupFile.read(d, file) else { return nil }
            return parseBlkio(text)
        }
        for prefix in ["blkio.", "blkio.bfq."] {
            guard let serviced = entries(prefix + "io_serviced_recursive"), !serviced.isEmpty else { continue }
            b.ioServicedRecursive = serviced
            b.ioServiceBytesRecursive = entries(prefix + "io_service_bytes_recursive") ?? []
            b.ioQueuedRecursive = entries(prefix + "io_queued_recursive") ?? []
            b.ioServiceTimeRecursive = entries(prefix + "io_service_time_recursive") ?? []
            b.ioWaitTimeRecursive = entries(prefix + "io_wait_time_recursive") ?? []
            b.ioMergedRecursive = entries(prefix + "io_merged_recursive") ?? []
            b.ioTimeRecursive = entries(prefix + "time_recursive") ?? []
            b.sectorsRecursive = entries(prefix + "sectors_recursive") ?? []
            return b
        }
        b.ioServiceBytesRecursive = entries("blkio.throttle.io_service_bytes_recursive") ?? []
        b.ioServicedRecursive = entries("blkio.throttle.io_serviced_recursive") ?? []
        return b
    }

    /// "8:0 Read 4096" or "8:0 4096" lines; "Total N" lines are dropped.
    static func parseBlkio(_ text: String) -> [BlkioEntry] {
        var out: [BlkioEntry] = []
        for line in text.split(separator: "\n") {
            let f = line.split(separator: " ")
            guard f.count >= 2 else { continue }
            let dev = f[0].split(separator: ":")
            guard dev.count == 2, let major = UInt64(dev[0]), let minor = UInt64(dev[1]) else { continue }
            if f.count == 3, let v = UInt64(f[2]) {
                out.append(BlkioEntry(major: major, minor: minor, op: String(f[1]), value: v))
            } else if f.count == 2, let v = UInt64(f[1]) {
                out.append(BlkioEntry(major: major, minor: minor, value: v))
            }
        }
        return out
    }
}

enum V2Stats {
    static func collect(dir d: String) throws -> CgroupStats {
        var s = CgroupStats()
        if let stat = try? CgroupFile.readKeyValues(d, "cpu.stat") {
            s.cpu.usage.total = (stat["usage_usec"] ?? 0) * 1000
            s.cpu.usage.user = (stat["user_usec"] ?? 0) * 1000
            s.cpu.usage.kernel = (stat["system_usec"] ?? 0) * 1000
            s.cpu.throttling.periods = stat["nr_periods"] ?? 0
            s.cpu.throttling.throttledPeriods = stat["nr_throttled"] ?? 0
            s.cpu.throttling.throttledTime = (stat["throttled_usec"] ?? 0) * 1000
        }
        s.cpuset = cpusetStats(d, effective: true)

        let raw = (try? CgroupFile.readKeyValues(d, "memory.stat")) ?? [:]
        s.memory.raw = raw
        s.memory.cache = raw["file"] ?? 0
        var usage = MemoryEntry()
        usage.usage = CgroupFile.readUIntIfPresent(d, "memory.current") ?? 0
        usage.limit = CgroupFile.readUIntIfPresent(d, "memory.max") ?? 0
        usage.max = CgroupFile.readUIntIfPresent(d, "memory.peak") ?? 0
        usage.failcnt = (try? CgroupFile.readKeyValues(d, "memory.events"))?["max"] ?? 0
        s.memory.usage = usage
        // v1 reports memory+swap; combine so consumers see the same meaning (runc).
        if let swapCurrent = CgroupFile.readUIntIfPresent(d, "memory.swap.current") {
            var swap = MemoryEntry()
            swap.usage = swapCurrent &+ usage.usage
            let swapMax = CgroupFile.readUIntIfPresent(d, "memory.swap.max") ?? 0
            swap.limit = swapMax == .max || usage.limit == .max ? .max : swapMax &+ usage.limit
            swap.failcnt = (try? CgroupFile.readKeyValues(d, "memory.swap.events"))?["max"] ?? 0
            s.memory.swap = swap
        }
        s.pids = pidsStats(d)

        if let text = try? CgroupFile.read(d, "io.stat") { s.blkio = parseIOStat(text) }
        for size in hugepageSizes(d, suffix: ".current") {
            var h = HugetlbStats()
            h.usage = CgroupFile.readUIntIfPresent(d, "hugetlb.\(size).current") ?? 0
            h.failcnt = (try? CgroupFile.readKeyValues(d, "hugetlb.\(size).events"))?["max"] ?? 0
            s.hugetlb[size] = h
        }
        return s
    }

    /// "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0" per device.
    static func parseIOStat(_ text: String) -> BlkioStats {
        var b = BlkioStats()
        for line in text.split(separator: "\n") {
            let f = line.split(separator: " ")
            guard let devField = f.first else { continue }
            let dev = devField.split(separator: ":")
            guard dev.count == 2, let major = UInt64(dev[0]), let minor = UInt64(dev[1]) else { continue }
            for kv in f.dropFirst() {
                let p = kv.split(separator: "=", maxSplits: 1)
                guard p.count == 2, let v = UInt64(p[1]) else { continue }
                let e = { (op: String) in BlkioEntry(major: major, minor: minor, op: op, value: v) }
                switch p[0] {
                case "rbytes": b.ioServiceBytesRecursive.append(e("Read"))
                case "wbytes": b.ioServiceBytesRecursive.append(e("Write"))
                case "dbytes": b.ioServiceBytesRecursive.append(e("Discard"))
                case "rios": b.ioServicedRecursive.append(e("Read"))
                case "wios": b.ioServicedRecursive.append(e("Write"))
                case "dios": b.ioServicedRecursive.append(e("Discard"))
                default: break
                }
            }
        }
        return b
    }
}

/// pids.current and pids.max; an unlimited max reads as 0, as runc reports it.
func pidsStats(_ d: String) -> PidsStats {
    var p = PidsStats()
    p.current = CgroupFile.readUIntIfPresent(d, "pids.current") ?? 0
    let max = CgroupFile.readUIntIfPresent(d, "pids.max") ?? 0
    p.limit = max == .max ? 0 : max
    return p
}

func cpusetStats(_ d: String, effective: Bool) -> CPUSetStats {
    var c = CPUSetStats()
    let suffix = effective ? ".effective" : ""
    c.cpus = parseCPUList((try? CgroupFile.read(d, "cpuset.cpus" + suffix)) ?? "")
    c.mems = parseCPUList((try? CgroupFile.read(d, "cpuset.mems" + suffix)) ?? "")
    guard !effective else { return c }
    func u(_ f: String) -> UInt64 { CgroupFile.readUIntIfPresent(d, "cpuset." + f) ?? 0 }
    c.cpuExclusive = u("cpu_exclusive")
    c.memHardwall = u("mem_hardwall")
    c.memExclusive = u("mem_exclusive")
    c.memoryMigrate = u("memory_migrate")
    c.memorySpreadPage = u("memory_spread_page")
    c.memorySpreadSlab = u("memory_spread_slab")
    c.memoryPressure = u("memory_pressure")
    c.schedLoadBalance = u("sched_load_balance")
    c.schedRelaxDomainLevel = Int64((try? CgroupFile.read(d, "cpuset.sched_relax_domain_level"))?.trimmingWhitespace() ?? "") ?? 0
    return c
}

/// "0-3,8,10-11" → [0, 1, 2, 3, 8, 10, 11].
func parseCPUList(_ text: String) -> [UInt16] {
    var out: [UInt16] = []
    for part in text.trimmingWhitespace().split(separator: ",") {
        let r = part.split(separator: "-")
        if r.count == 1, let v = UInt16(r[0]) { out.append(v) }
        if r.count == 2, let a = UInt16(r[0]), let b = UInt16(r[1]), a <= b { out += Array(a...b) }
    }
    return out
}

/// Space-separated numbers (cpuacct.usage_percpu).
func numbers(_ text: String) -> [UInt64] {
    text.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { UInt64($0) }
}

/// Page sizes that have a "hugetlb.<size><suffix>" file ("2MB", "1GB").
func hugepageSizes(_ d: String, suffix: String) -> [String] {
    CgroupFile.entries(d).compactMap { name in
        guard name.hasPrefix("hugetlb."), name.hasSuffix(suffix) else { return nil }
        let size = name.dropFirst("hugetlb.".count).dropLast(suffix.count)
        return size.contains(".") || size.isEmpty ? nil : String(size)
    }
}
