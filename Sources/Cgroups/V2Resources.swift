import Glibc
import OCISpec

/// Writing `linux.resources` into a cgroup v2 directory. v1 values are converted
/// with runc's formulas (Conversions.swift); settings without a v2 knob become
/// warnings, as they are silently dropped by runc.
struct V2Resources {
    let dir: String
    let isUpdate: Bool
    /// Puts the device filter on the directory (eBPF); replaceable in tests.
    let installDevices: ([DeviceRule], String) throws -> Void
    var warnings: [CgroupWarning] = []

    init(
        dir: String, isUpdate: Bool,
        installDevices: @escaping ([DeviceRule], String) throws -> Void = BPF.installDeviceFilter
    ) {
        self.dir = dir
        self.isUpdate = isUpdate
        self.installDevices = installDevices
    }

    /// A write whose ENOENT most likely means the controller is not enabled for
    /// this cgroup; the error says so.
    func write(_ file: String, _ value: String) throws {
        do { try CgroupFile.write(dir, file, value) } catch let e as CgroupError where e.errno == ENOENT {
            let controller = file.split(separator: ".").first.map(String.init) ?? file
            throw CgroupError(
                e.message + " (is the \(controller) controller enabled in the parent's cgroup.subtree_control?)",
                errno: ENOENT)
        }
    }

    mutating func warn(_ s: String) { warnings.append(.init(message: s)) }

    mutating func apply(_ r: LinuxResources) throws {
        if let p = r.pids { try write("pids.max", CgroupConversions.pidsMax(p.limit)) }
        if let m = r.memory { try applyMemory(m) }
        if let b = r.blockIO { try applyIO(b) }
        if let c = r.cpu { try applyCPU(c) }
        if let devices = r.devices { try installDevices(DeviceRule.resolve(devices), dir) }
        for l in r.hugepageLimits ?? [] {
            let size = try hugepageSize(l.pageSize)
            try write("hugetlb.\(size).max", String(l.limit))
            let rsvd = "hugetlb.\(size).rsvd.max"
            if CgroupFile.exists(dir + "/" + rsvd) { try write(rsvd, String(l.limit)) }
        }
        for (device, limit) in (r.rdma ?? [:]).sorted(by: { $0.key < $1.key }) {
            if let line = rdmaLine(device, limit) { try write("rdma.max", line) }
        }
        if let n = r.network, n.classID != nil || !(n.priorities ?? []).isEmpty {
            warn("linux.resources.network: net_cls and net_prio do not exist on cgroup v2; ignored")
        }
        if let u = r.unified { try applyUnified(u) }
    }

    mutating func applyMemory(_ m: LinuxMemory) throws {
        let limit = m.limit ?? 0, swap = m.swap ?? 0
        if limit < -1 { throw CgroupError("linux.resources.memory.limit: invalid value \(limit)") }
        if swap < -1 { throw CgroupError("linux.resources.memory.swap: invalid value \(swap)") }
        if isUpdate && (m.checkBeforeUpdate ?? false) { try checkUsage(limit: limit, swap: swap) }
        if limit != 0 || swap != 0 {
            if let s = try CgroupConversions.swapMax(memorySwap: m.swap, memoryLimit: m.limit) {
                let value = s == -1 ? "max" : String(s)
                do { try CgroupFile.write(dir, "memory.swap.max", value) } catch let e as CgroupError {
                    // No swap accounting on this host: "unlimited" and "none" are what it already has.
                    guard e.errno == ENOENT, value == "max" || value == "0" else { throw e }
                }
            }
            if let v = CgroupConversions.v2Number(m.limit) { try write("memory.max", v) }
        }
        if let v = CgroupConversions.v2Number(m.reservation) { try write("memory.low", v) }
        if let k = m.kernel, k != 0 { warn("linux.resources.memory.kernel: no kernel memory limit on cgroup v2; ignored") }
        if let k = m.kernelTCP, k != 0 { warn("linux.resources.memory.kernelTCP: no TCP memory limit on cgroup v2; ignored") }
        if let s = m.swappiness, s != UInt64.max {
            warn("linux.resources.memory.swappiness: no per-cgroup swappiness on cgroup v2; ignored")
        }
        if m.disableOOMKiller == true {
            warn("linux.resources.memory.disableOOMKiller: the OOM killer cannot be disabled on cgroup v2; ignored")
        }
    }

    /// runc's CheckMemoryUsage: refuse, on update, a limit below what is in use.
    func checkUsage(limit: Int64, swap: Int64) throws {
        guard limit > 0 || swap > 0 else { return }
        let usage = try CgroupFile.readUInt(dir, "memory.current")
        if swap > 0 {
            let swapUsage = CgroupFile.readUIntIfPresent(dir, "memory.swap.current") ?? 0
            let (total, overflow) = usage.addingReportingOverflow(swapUsage)
            if overflow || UInt64(exactly: swap).map({ total >= $0 }) ?? true {
                throw CgroupError("\(dir): rejecting memory+swap limit \(swap) below current usage \(total)")
            }
        }
        if limit > 0, UInt64(exactly: limit).map({ usage >= $0 }) ?? true {
            throw CgroupError("\(dir): rejecting memory limit \(limit) below current usage \(usage)")
        }
    }

    mutating func applyCPU(_ c: LinuxCPU) throws {
        if let idle = c.idle { try write("cpu.idle", String(idle)) }
        let weight = try CgroupConversions.cpuWeight(fromShares: c.shares ?? 0)
        if weight != 0 { try write("cpu.weight", String(weight)) }
        let cpuMax = CgroupConversions.cpuMax(quota: c.quota, period: c.period)
        // A burst larger than the current one can be refused (EINVAL) until the new
        // quota is in place; then it is written again after cpu.max (runc).
        var burst: String? = nil
        if let b = c.burst {
            do { try write("cpu.max.burst", String(b)) } catch let e as CgroupError {
                guard e.errno == EINVAL, cpuMax != nil else { throw e }
                burst = String(b)
            }
        }
        if let cpuMax {
            try write("cpu.max", cpuMax)
            if let burst { try write("cpu.max.burst", burst) }
        }
        if (c.realtimeRuntime ?? 0) != 0 || (c.realtimePeriod ?? 0) != 0 {
            warn("linux.resources.cpu.realtimeRuntime/realtimePeriod: no realtime scheduling knobs on cgroup v2; ignored")
        }
        if let cpus = c.cpus, !cpus.isEmpty { try write("cpuset.cpus", cpus) }
        if let mems = c.mems, !mems.isEmpty { try write("cpuset.mems", mems) }
    }

    mutating func applyIO(_ b: LinuxBlockIO) throws {
        let weightDevices = (b.weightDevice ?? []).filter { ($0.weight ?? 0) != 0 }
        // BFQ, when it is the scheduler, takes the v1 weight range as is (runc).
        let bfqContent = (b.weight ?? 0) != 0 || !weightDevices.isEmpty ? try? CgroupFile.read(dir, "io.bfq.weight") : nil
        if let w = b.weight, w != 0 {
            if bfqContent != nil {
                try write("io.bfq.weight", String(w))
            } else {
                try write("io.weight", String(CgroupConversions.ioWeight(fromBlkioWeight: w)))
            }
        }
        // Per-device BFQ weights need a kernel whose io.bfq.weight reads "default N".
        let bfqPerDevice = bfqContent?.hasPrefix("default") ?? false
        for wd in weightDevices {
            let w = wd.weight!
            if bfqPerDevice {
                try write("io.bfq.weight", "\(wd.major):\(wd.minor) \(w)")
            } else {
                try write("io.weight", "\(wd.major):\(wd.minor) \(CgroupConversions.ioWeight(fromBlkioWeight: w))")
            }
        }
        if (b.leafWeight ?? 0) != 0 || (b.weightDevice ?? []).contains(where: { ($0.leafWeight ?? 0) != 0 }) {
            warn("linux.resources.blockIO.leafWeight: no leaf weights on cgroup v2; ignored")
        }
        for line in Self.ioMaxLines(b) { try write("io.max", line) }
    }

    /// One io.max line per device ("8:0 rbps=1048576 wiops=100"), devices in the
    /// order they first appear.
    static func ioMaxLines(_ b: LinuxBlockIO) -> [String] {
        var order: [String] = []
        var settings: [String: [String]] = [:]
        let lists: [(String, [LinuxThrottleDevice]?)] = [
            ("rbps", b.throttleReadBpsDevice), ("wbps", b.throttleWriteBpsDevice),
            ("riops", b.throttleReadIOPSDevice), ("wiops", b.throttleWriteIOPSDevice)
        ]
        for (key, list) in lists {
            for t in list ?? [] {
                let dev = "\(t.major):\(t.minor)"
                if settings[dev] == nil { order.append(dev); settings[dev] = [] }
                settings[dev]!.removeAll { $0.hasPrefix(key + "=") }
                settings[dev]!.append("\(key)=\(t.rate)")
            }
        }
        return order.map { ([$0] + settings[$0]!).joined(separator: " ") }
    }

    /// linux.resources.unified: file name → value, written last so it overrides.
    /// A name that could reach outside the directory is refused; a multi-line
    /// value is written one line per write() (runc's WriteFileByLine).
    func applyUnified(_ u: [String: String]) throws {
        for (key, value) in u.sorted(by: { $0.key < $1.key }) {
            guard !key.isEmpty, !key.contains("/"), key != ".", key != "..", !key.contains("\0") else {
                throw CgroupError("linux.resources.unified: \(quoted(key)) is not a cgroup file name")
            }
            for line in value.split(separator: "\n", omittingEmptySubsequences: true) {
                do { try CgroupFile.write(dir, key, String(line)) } catch let e as CgroupError
                    where e.errno == ENOENT || e.errno == EPERM || e.errno == EACCES
                {
                    let parts = key.split(separator: ".", maxSplits: 1)
                    guard parts.count == 2 else {
                        throw CgroupError(
                            "linux.resources.unified: \(quoted(key)) must be in the form CONTROLLER.PARAMETER (\(e.message))",
                            errno: e.errno)
                    }
                    let controller = String(parts[0])
                    let available =
                        (try? CgroupFile.read(dir, "cgroup.controllers"))?.split(separator: " ").map {
                            String($0).trimmingWhitespace()
                        } ?? []
                    if controller != "cgroup" && !available.contains(controller) {
                        throw CgroupError(
                            "linux.resources.unified: \(quoted(key)) can't be set: controller \(quoted(controller)) is not available (\(e.message))",
                            errno: e.errno)
                    }
                    throw e
                }
            }
        }
    }
}
