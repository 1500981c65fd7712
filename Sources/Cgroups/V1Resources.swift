import Glibc
import OCISpec

/// Writing `linux.resources` into v1 hierarchies. Orders and retry rules are
/// runc's (libcontainer/cgroups/fs/*.go): they exist because the kernel checks
/// each write against the values already there.
struct V1Resources {
    /// Controller → container directory.
    let paths: [String: String]
    let isUpdate: Bool
    var warnings: [CgroupWarning] = []

    init(paths: [String: String], isUpdate: Bool) {
        self.paths = paths
        self.isUpdate = isUpdate
    }

    /// The directory of `controller`; asking for a controller that is not mounted
    /// is an error, because the requested limit could not be honoured.
    func dir(_ controller: String, for setting: String) throws -> String {
        guard let d = paths[controller] else {
            throw CgroupError("\(setting): the \(controller) cgroup controller is not mounted")
        }
        return d
    }

    /// devices.allow and devices.deny take one rule per write(): each is opened once for all.
    private static func writeRules(_ writes: [(file: String, value: String)], in dir: String) throws {
        var open: [String: Int32] = [:]
        defer { for fd in open.values { close(fd) } }
        for w in writes {
            let path = dir + "/" + w.file
            let fd = try open[w.file] ?? CgroupFile.openForWriting(path: path, w.value)
            open[w.file] = fd
            try CgroupFile.write(fd: fd, path: path, w.value)
        }
    }

    mutating func apply(_ r: LinuxResources) throws {
        if let u = r.unified, !u.isEmpty {
            throw CgroupError("linux.resources.unified: needs cgroup v2, but the controllers of this host are cgroup v1")
        }
        if let cpu = r.cpu { try applyCpuset(cpu) }
        if let devices = r.devices {
            let rules = try DeviceRule.resolve(devices)
            let d = try dir("devices", for: "linux.resources.devices")
            try Self.writeRules(DeviceRules.v1Writes(rules), in: d)
        }
        if let m = r.memory { try applyMemory(m) }
        if let cpu = r.cpu { try applyCPU(cpu) }
        if let p = r.pids {
            try CgroupFile.write(dir("pids", for: "linux.resources.pids"), "pids.max", CgroupConversions.pidsMax(p.limit))
        }
        if let b = r.blockIO { try applyBlkio(b) }
        if let h = r.hugepageLimits, !h.isEmpty {
            let d = try dir("hugetlb", for: "linux.resources.hugepageLimits")
            for l in h {
                let size = try hugepageSize(l.pageSize)
                try CgroupFile.write(d, "hugetlb.\(size).limit_in_bytes", String(l.limit))
                let rsvd = "hugetlb.\(size).rsvd.limit_in_bytes"
                if CgroupFile.exists(d + "/" + rsvd) { try CgroupFile.write(d, rsvd, String(l.limit)) }
            }
        }
        if let n = r.network { try applyNetwork(n) }
        if let rdma = r.rdma, !rdma.isEmpty {
            let d = try dir("rdma", for: "linux.resources.rdma")
            for (device, limit) in rdma.sorted(by: { $0.key < $1.key }) {
                if let line = rdmaLine(device, limit) { try CgroupFile.write(d, "rdma.max", line) }
            }
        }
    }

    mutating func applyCpuset(_ cpu: LinuxCPU) throws {
        if let cpus = cpu.cpus, !cpus.isEmpty {
            try CgroupFile.write(dir("cpuset", for: "linux.resources.cpu.cpus"), "cpuset.cpus", cpus)
        }
        if let mems = cpu.mems, !mems.isEmpty {
            try CgroupFile.write(dir("cpuset", for: "linux.resources.cpu.mems"), "cpuset.mems", mems)
        }
    }

    mutating func applyMemory(_ m: LinuxMemory) throws {
        let d = try dir("memory", for: "linux.resources.memory")
        var limit = m.limit ?? 0
        var swap = m.swap ?? 0
        if limit == -1 && swap == 0 && CgroupFile.exists(d + "/memory.memsw.limit_in_bytes") {
            swap = -1  // unlimited memory without a swap value means unlimited swap too
        }
        if limit < -1 { throw CgroupError("linux.resources.memory.limit: invalid value \(limit)") }
        if swap < -1 { throw CgroupError("linux.resources.memory.swap: invalid value \(swap)") }
        // memsw must stay >= limit at every step: raise swap first when growing.
        var swapFirst = false
        if limit != 0 && swap != 0 {
            let current = try CgroupFile.readUInt(d, "memory.limit_in_bytes")
            swapFirst = swap == -1 || UInt64(exactly: swap).map { current < $0 } ?? false
        }
        if swapFirst {
            try CgroupFile.write(d, "memory.memsw.limit_in_bytes", String(swap))
            swap = 0
        }
        if limit != 0 {
            do { try CgroupFile.write(d, "memory.limit_in_bytes", String(limit)) } catch let e as CgroupError where e.errno == EBUSY {
                throw CgroupError(e.message + " (the new limit is below the current usage)", errno: EBUSY)
            }
            limit = 0
        }
        if swap != 0 { try CgroupFile.write(d, "memory.memsw.limit_in_bytes", String(swap)) }

        // Kernel memory limits are deprecated (5.4) and gone: recent kernels refuse
        // the write or accept it and keep "unlimited". Either way it is only a note.
        if let k = m.kernel, k != 0 {
            let setting = "linux.resources.memory.kernel"
            if try tolerant(
                d, "memory.kmem.limit_in_bytes", String(k),
                note: "\(setting) is not supported by this kernel; ignored")
            {
                noteIfIgnored(d, "memory.kmem.limit_in_bytes", k, setting)
            }
        }
        if let k = m.kernelTCP, k != 0 {
            let setting = "linux.resources.memory.kernelTCP"
            if try tolerant(
                d, "memory.kmem.tcp.limit_in_bytes", String(k),
                note: "\(setting) is not supported by this kernel; ignored")
            {
                noteIfIgnored(d, "memory.kmem.tcp.limit_in_bytes", k, setting)
            }
        }
        if let r = m.reservation, r != 0 { try CgroupFile.write(d, "memory.soft_limit_in_bytes", String(r)) }
        if let off = m.disableOOMKiller, off || isUpdate {
            try CgroupFile.write(d, "memory.oom_control", off ? "1" : "0")
        }
        // runc treats -1 (UInt64.max once cast) as unset.
        if let s = m.swappiness, s != UInt64.max {
            guard s <= 100 else {
                throw CgroupError("linux.resources.memory.swappiness: invalid value \(s) (valid range is 0-100)")
            }
            try CgroupFile.write(d, "memory.swappiness", String(s))
        }
        if let h = m.useHierarchy {
            try tolerant(
                d, "memory.use_hierarchy", h ? "1" : "0",
                note: "linux.resources.memory.useHierarchy: the kernel refused \(h ? "1" : "0"); ignored",
                alsoTolerate: [EINVAL, EBUSY])
        }
    }

    mutating func applyCPU(_ c: LinuxCPU) throws {
        let needsCPU =
            (c.shares ?? 0) != 0 || (c.quota ?? 0) != 0 || (c.period ?? 0) != 0
            || c.burst != nil || c.idle != nil || (c.realtimePeriod ?? 0) != 0 || (c.realtimeRuntime ?? 0) != 0
        guard needsCPU else { return }
        let d = try dir("cpu", for: "linux.resources.cpu")
        if let shares = c.shares, shares != 0 {
            try CgroupFile.write(d, "cpu.shares", String(shares))
            let read = try CgroupFile.readUInt(d, "cpu.shares")
            if shares > read { throw CgroupError("linux.resources.cpu.shares: the maximum allowed cpu-shares is \(read)") }
            if shares < read { throw CgroupError("linux.resources.cpu.shares: the minimum allowed cpu-shares is \(read)") }
        }
        let quota = c.quota ?? 0
        // The kernel checks quota/period against the parent at each write; a value
        // refused with EINVAL is retried once the quota is in place.
        var period: String? = nil
        if let p = c.period, p != 0 {
            do { try CgroupFile.write(d, "cpu.cfs_period_us", String(p)) } catch let e as CgroupError {
                guard e.errno == EINVAL, quota != 0 else { throw e }
                period = String(p)
            }
        }
        var burst: String? = nil
        if let b = c.burst {
            do { try CgroupFile.write(d, "cpu.cfs_burst_us", String(b)) } catch let e as CgroupError {
                if e.errno == ENOENT {
                    warnings.append(.init(message: "linux.resources.cpu.burst: cpu.cfs_burst_us is not available on this kernel; ignored"))
                } else if e.errno == EINVAL && quota != 0 {
                    burst = String(b)
                } else {
                    throw e
                }
            }
        }
        if quota != 0 {
            try CgroupFile.write(d, "cpu.cfs_quota_us", String(quota))
            if let period { try CgroupFile.write(d, "cpu.cfs_period_us", period) }
            if let burst { try CgroupFile.write(d, "cpu.cfs_burst_us", burst) }
        }
        if let idle = c.idle { try CgroupFile.write(d, "cpu.idle", String(idle)) }

        let runtime = c.realtimeRuntime ?? 0
        var rtPeriod: String? = nil
        if let p = c.realtimePeriod, p != 0 {
            do { try CgroupFile.write(d, "cpu.rt_period_us", String(p)) } catch let e as CgroupError {
                guard e.errno == EINVAL, runtime != 0 else { throw e }
                rtPeriod = String(p)
            }
        }
        if runtime != 0 {
            try CgroupFile.write(d, "cpu.rt_runtime_us", String(runtime))
            if let rtPeriod { try CgroupFile.write(d, "cpu.rt_period_us", rtPeriod) }
        }
    }

    mutating func applyBlkio(_ b: LinuxBlockIO) throws {
        let needs =
            (b.weight ?? 0) != 0 || (b.leafWeight ?? 0) != 0 || !(b.weightDevice ?? []).isEmpty
            || !(b.throttleReadBpsDevice ?? []).isEmpty || !(b.throttleWriteBpsDevice ?? []).isEmpty
            || !(b.throttleReadIOPSDevice ?? []).isEmpty || !(b.throttleWriteIOPSDevice ?? []).isEmpty
        guard needs else { return }
        let d = try dir("blkio", for: "linux.resources.blockIO")
        // CFQ offers blkio.weight; with BFQ only blkio.bfq.weight exists (runc's detectWeightFilenames).
        let cfq = CgroupFile.exists(d + "/blkio.weight")
        let weightFile = cfq ? "blkio.weight" : "blkio.bfq.weight"
        let weightDeviceFile = cfq ? "blkio.weight_device" : "blkio.bfq.weight_device"
        if let w = b.weight, w != 0 { try CgroupFile.write(d, weightFile, String(w)) }
        if let w = b.leafWeight, w != 0 { try CgroupFile.write(d, "blkio.leaf_weight", String(w)) }
        for wd in b.weightDevice ?? [] {
            if let w = wd.weight, w != 0 { try CgroupFile.write(d, weightDeviceFile, "\(wd.major):\(wd.minor) \(w)") }
            if let w = wd.leafWeight, w != 0 { try CgroupFile.write(d, "blkio.leaf_weight_device", "\(wd.major):\(wd.minor) \(w)") }
        }
        let throttles: [(String, [LinuxThrottleDevice]?)] = [
            ("blkio.throttle.read_bps_device", b.throttleReadBpsDevice),
            ("blkio.throttle.write_bps_device", b.throttleWriteBpsDevice),
            ("blkio.throttle.read_iops_device", b.throttleReadIOPSDevice),
            ("blkio.throttle.write_iops_device", b.throttleWriteIOPSDevice)
        ]
        for (file, list) in throttles {
            for t in list ?? [] { try CgroupFile.write(d, file, "\(t.major):\(t.minor) \(t.rate)") }
        }
    }

    mutating func applyNetwork(_ n: LinuxNetwork) throws {
        if let id = n.classID {
            try CgroupFile.write(dir("net_cls", for: "linux.resources.network.classID"), "net_cls.classid", String(id))
        }
        if let prios = n.priorities, !prios.isEmpty {
            let d = try dir("net_prio", for: "linux.resources.network.priorities")
            for p in prios { try CgroupFile.write(d, "net_prio.ifpriomap", "\(p.name) \(p.priority)") }
        }
    }

    /// A write the kernel may refuse because the knob is gone: ENOENT or
    /// EOPNOTSUPP (plus `alsoTolerate`) become a warning instead of an error.
    /// Returns whether the write went through.
    @discardableResult
    mutating func tolerant(
        _ d: String, _ file: String, _ value: String, note: String,
        alsoTolerate: [Int32] = []
    ) throws -> Bool {
        do { try CgroupFile.write(d, file, value) } catch let e as CgroupError {
            guard let err = e.errno, [ENOENT, EOPNOTSUPP].contains(err) || alsoTolerate.contains(err) else { throw e }
            warnings.append(.init(message: "\(note) (\(e.message))"))
            return false
        }
        return true
    }

    /// Warns when a write was accepted but the limit read back is still above it
    /// (the kernel keeps the knob only for compatibility; an honoured limit reads
    /// back equal, or lower after rounding down to pages).
    mutating func noteIfIgnored(_ d: String, _ file: String, _ value: Int64, _ setting: String) {
        guard let now = CgroupFile.readUIntIfPresent(d, file), value > 0, let limit = UInt64(exactly: value), now > limit else { return }
        warnings.append(.init(message: "\(setting): the kernel accepted \(value) for \(d)/\(file) but keeps \(now); ignored"))
    }
}

/// The page size in a hugetlb file name ("2MB"); it must not be able to name
/// another file.
func hugepageSize(_ s: String) throws -> String {
    guard !s.isEmpty, !s.contains("/"), !s.contains(".."), s.allSatisfy({ $0.isLetter || $0.isNumber }) else {
        throw CgroupError("linux.resources.hugepageLimits: invalid pageSize \(quoted(s))")
    }
    return s
}

/// "mlx4_0 hca_handle=2 hca_object=2000"; nil when neither limit is given.
func rdmaLine(_ device: String, _ l: LinuxRdma) -> String? {
    var s = device
    if let h = l.hcaHandles { s += " hca_handle=\(h)" }
    if let o = l.hcaObjects { s += " hca_object=\(o)" }
    return s == device ? nil : s
}
