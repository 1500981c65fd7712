/// `linux.resources`: every value the cgroup layer narrows or the kernel's cgroup files
/// refuse is checked here, so `validate` and `create` agree and the error names the JSON
/// path instead of a cgroup file. Ranges are the kernel's (and runc's conversions).
extension Validation {
    mutating func checkResources(_ r: LinuxResources, at path: JSONPath) {
        for (i, rule) in (r.devices ?? []).enumerated() {
            let rulePath = path.key("devices").index(i)
            if let type = rule.type, !LinuxDeviceCgroup.knownTypes.contains(type) {
                report(rulePath.key("type"), "unknown device type \(quoted(type))")
            }
            // runc's wildcard is -1.
            checkDeviceNumber(rule.major, max: DeviceNumber.maxMajor, wildcard: true, at: rulePath.key("major"))
            checkDeviceNumber(rule.minor, max: DeviceNumber.maxMinor, wildcard: true, at: rulePath.key("minor"))
            if let access = rule.access, !access.allSatisfy({ "rwm".contains($0) }) {
                report(rulePath.key("access"), "invalid access \(quoted(access)): must be a combination of r, w, m")
            }
        }
        if let memory = r.memory { checkMemory(memory, at: path.key("memory")) }
        if let cpu = r.cpu { checkCPU(cpu, at: path.key("cpu")) }
        // pids.max refuses more than PID_MAX_LIMIT; 0 or negative means unlimited.
        if let pids = r.pids, pids.limit > 4_194_304 {
            report(path.key("pids").key("limit"), "must be at most 4194304 (the kernel's PID_MAX_LIMIT)")
        }
        if let blockIO = r.blockIO { checkBlockIO(blockIO, at: path.key("blockIO")) }
        for (i, limit) in (r.hugepageLimits ?? []).enumerated() where !Self.isHugepageSize(limit.pageSize) {
            report(
                path.key("hugepageLimits").index(i).key("pageSize"),
                "invalid page size \(quoted(limit.pageSize)): must be a number with KB, MB or GB, e.g. \"2MB\"")
        }
        for (i, priority) in (r.network?.priorities ?? []).enumerated() where !Self.isInterfaceName(priority.name) {
            report(
                path.key("network").key("priorities").index(i).key("name"),
                "invalid interface name \(quoted(priority.name))")
        }
        for device in (r.rdma ?? [:]).keys.sorted() {
            let rdmaPath = path.key("rdma").key(device)
            if device.isEmpty || device.contains(where: { $0 == " " || $0 == "\n" || $0 == "\t" }) {
                report(rdmaPath, "invalid RDMA device name \(quoted(device))")
            }
            // rdma.max parses its limits as non-negative C ints.
            let limits = r.rdma![device]!
            for (key, value) in [("hcaHandles", limits.hcaHandles), ("hcaObjects", limits.hcaObjects)] {
                if let value, value > UInt32(Int32.max) { report(rdmaPath.key(key), "must be at most 2147483647") }
            }
        }
        for key in (r.unified ?? [:]).keys.sorted() where !Self.isCgroupFileName(key) {
            report(path.key("unified").key(key), "must be a cgroup v2 file name CONTROLLER.PARAMETER")
        }
    }

    private mutating func checkMemory(_ m: LinuxMemory, at path: JSONPath) {
        let values = [
            ("limit", m.limit), ("reservation", m.reservation), ("swap", m.swap),
            ("kernel", m.kernel), ("kernelTCP", m.kernelTCP)
        ]
        for (key, value) in values {
            if let value, value < -1 { report(path.key(key), "must be -1 (unlimited) or a number of bytes") }
        }
        // swap is memory+swap (v1's memsw): it needs a memory limit and cannot be below it.
        if let swap = m.swap, swap > 0 {
            let limit = m.limit ?? 0
            if limit <= 0 {
                report(path.key("swap"), "a memory+swap limit requires a memory limit")
            } else if swap < limit {
                report(path.key("swap"), "memory+swap limit \(swap) must not be below the memory limit \(limit)")
            }
        }
        // runc treats -1 (UInt64.max once cast) as unset.
        if let swappiness = m.swappiness, swappiness > 100, swappiness != UInt64.max {
            report(path.key("swappiness"), "must be between 0 and 100")
        }
    }

    private mutating func checkCPU(_ c: LinuxCPU, at path: JSONPath) {
        // cpu.shares is clamped by the kernel (runc then fails on reading back); 0 is unset.
        if let shares = c.shares, shares != 0, !(2...262_144).contains(shares) {
            report(path.key("shares"), "must be between 2 and 262144")
        }
        if let quota = c.quota, quota < -1 || (1..<1000).contains(quota) {
            report(path.key("quota"), "must be -1 (unlimited) or at least 1000 microseconds")
        }
        if let period = c.period, period != 0, !(1000...1_000_000).contains(period) {
            report(path.key("period"), "must be between 1000 and 1000000 microseconds")
        }
        if let burst = c.burst, let quota = c.quota, quota > 0, burst > UInt64(quota) {
            report(path.key("burst"), "must not exceed the quota \(quota)")
        }
        if let runtime = c.realtimeRuntime, runtime < -1 {
            report(path.key("realtimeRuntime"), "must be -1 (unlimited) or a number of microseconds")
        }
        for (key, list) in [("cpus", c.cpus), ("mems", c.mems)] {
            if let list, !list.isEmpty, !CPUList.isValid(list) {
                report(path.key(key), "invalid list \(quoted(list)): must be like \"0-3,7\"")
            }
        }
        if let idle = c.idle, !(0...1).contains(idle) {
            report(path.key("idle"), "must be 0 or 1")
        }
    }

    private mutating func checkBlockIO(_ b: LinuxBlockIO, at path: JSONPath) {
        checkBlkioWeight(b.weight, at: path.key("weight"))
        checkBlkioWeight(b.leafWeight, at: path.key("leafWeight"))
        for (i, device) in (b.weightDevice ?? []).enumerated() {
            let devicePath = path.key("weightDevice").index(i)
            checkDeviceNumber(device.major, max: DeviceNumber.maxMajor, wildcard: false, at: devicePath.key("major"))
            checkDeviceNumber(device.minor, max: DeviceNumber.maxMinor, wildcard: false, at: devicePath.key("minor"))
            checkBlkioWeight(device.weight, at: devicePath.key("weight"))
            checkBlkioWeight(device.leafWeight, at: devicePath.key("leafWeight"))
        }
        let throttles = [
            ("throttleReadBpsDevice", b.throttleReadBpsDevice), ("throttleWriteBpsDevice", b.throttleWriteBpsDevice),
            ("throttleReadIOPSDevice", b.throttleReadIOPSDevice), ("throttleWriteIOPSDevice", b.throttleWriteIOPSDevice)
        ]
        for (key, list) in throttles {
            for (i, device) in (list ?? []).enumerated() {
                checkDeviceNumber(device.major, max: DeviceNumber.maxMajor, wildcard: false, at: path.key(key).index(i).key("major"))
                checkDeviceNumber(device.minor, max: DeviceNumber.maxMinor, wildcard: false, at: path.key(key).index(i).key("minor"))
            }
        }
    }

    /// blkio.weight's range; 0 means unset (runc writes nothing).
    private mutating func checkBlkioWeight(_ weight: UInt16?, at path: JSONPath) {
        if let weight, weight != 0, !(10...1000).contains(weight) {
            report(path, "must be between 10 and 1000")
        }
    }

    mutating func checkDeviceNumber(_ value: Int64?, max: Int64, wildcard: Bool, at path: JSONPath) {
        guard let value else { return }
        if wildcard && value == -1 { return }
        if !(0...max).contains(value) {
            report(path, "must be \(wildcard ? "-1 (any) or " : "")between 0 and \(max)")
        }
    }

    /// The hugetlb file names' spelling: "64KB", "2MB", "1GB".
    static func isHugepageSize(_ size: String) -> Bool {
        let digits = size.prefix { $0.isASCIIDigit }
        let unit = size.dropFirst(digits.count)
        return !digits.isEmpty && digits.first != "0" && digits.count <= 6 && ["KB", "MB", "GB"].contains(unit)
    }

    /// What net_prio.ifpriomap can parse: IFNAMSIZ-1 bytes, no blanks or slashes.
    static func isInterfaceName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 15 && name != "." && name != ".."
            && !name.unicodeScalars.contains { $0 == "/" || $0 == ":" || $0.value <= 0x20 || $0.value == 0x7f }
    }

    /// A file directly in the container's cgroup directory: "memory.high", "cgroup.freeze".
    static func isCgroupFileName(_ key: String) -> Bool {
        let parts = key.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty
            && !key.unicodeScalars.contains { $0 == "/" || $0.value <= 0x20 || $0.value == 0x7f }
    }
}

/// The kernel's dev_t: 12-bit majors and 20-bit minors (include/linux/kdev_t.h); glibc's
/// mknod refuses anything that does not fit, so the config must not ask for it.
public enum DeviceNumber {
    public static let maxMajor: Int64 = 4095
    public static let maxMinor: Int64 = 1_048_575
}
