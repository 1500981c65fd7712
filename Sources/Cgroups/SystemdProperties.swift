import Glibc
import OCISpec

/// `linux.resources` as systemd unit properties, following runc's cgroups/systemd
/// (genV1/genV2ResourcesProperties). What has no property is written to the unit's
/// cgroup files afterwards (SystemdManager.apply), as runc does.
enum SystemdProperties {
    /// USEC_INFINITY: "no quota".
    static let infinity = UInt64.max
    static let defaultCPUPeriod: UInt64 = 100_000

    static func resources(_ r: LinuxResources, unified: Bool) throws -> [SystemdProperty] {
        var out: [SystemdProperty] = []
        if let devices = r.devices { out += try deviceProperties(DeviceRule.resolve(devices)) }
        if let m = r.memory {
            if let limit = m.limit, limit != 0 {
                out.append(.init(unified ? "MemoryMax" : "MemoryLimit", .uint64(number(limit))))
            }
            if unified, let low = m.reservation, low != 0 { out.append(.init("MemoryLow", .uint64(number(low)))) }
            if unified, let swap = try CgroupConversions.swapMax(memorySwap: m.swap, memoryLimit: m.limit) {
                out.append(.init("MemorySwapMax", .uint64(number(swap))))
            }
        }
        if let c = r.cpu {
            if let shares = c.shares, shares != 0 {
                out.append(
                    unified
                        ? .init("CPUWeight", .uint64(try CgroupConversions.cpuWeight(fromShares: shares)))
                        : .init("CPUShares", .uint64(shares)))
            }
            out += cpuQuota(quota: c.quota ?? 0, period: c.period ?? 0)
            if let cpus = c.cpus, !cpus.isEmpty { out.append(.init("AllowedCPUs", .bytes(try bitmask(cpus, "cpus")))) }
            if let mems = c.mems, !mems.isEmpty { out.append(.init("AllowedMemoryNodes", .bytes(try bitmask(mems, "mems")))) }
        }
        if let p = r.pids, p.limit > 0 || p.limit == -1 {
            out.append(.init("TasksMax", .uint64(number(p.limit))))
        }
        if let w = r.blockIO?.weight, w != 0 {
            out.append(
                unified
                    ? .init("IOWeight", .uint64(CgroupConversions.ioWeight(fromBlkioWeight: w)))
                    : .init("BlockIOWeight", .uint64(UInt64(w))))
        }
        return out
    }

    /// -1 is "unlimited" (infinity); other values are positive here.
    static func number(_ v: Int64) -> UInt64 { v < 0 ? infinity : UInt64(v) }

    /// runc's addCpuQuota: CPUQuotaPerSecUSec is rounded up to whole percents (10 ms) so
    /// that the kernel value is at least the requested one; the period is set as is.
    static func cpuQuota(quota: Int64, period: UInt64) -> [SystemdProperty] {
        var out: [SystemdProperty] = []
        if period != 0 { out.append(.init("CPUQuotaPeriodUSec", .uint64(period))) }
        if quota != 0 || period != 0 {
            var perSec = infinity
            if quota > 0 {
                let p = period == 0 ? defaultCPUPeriod : period
                let (product, overflow) = UInt64(quota).multipliedReportingOverflow(by: 1_000_000)
                perSec = overflow ? infinity : product / p
                if perSec != infinity && perSec % 10_000 != 0 { perSec = (perSec / 10_000 + 1) * 10_000 }
            }
            out.append(.init("CPUQuotaPerSecUSec", .uint64(perSec)))
        }
        return out
    }

    /// "0-2,7" → systemd's CPU-set bytes (bit n of byte k is CPU 8k+n).
    static func bitmask(_ list: String, _ field: String) throws -> [UInt8] {
        var bytes: [UInt8] = []
        func set(_ n: Int) {
            while bytes.count <= n / 8 { bytes.append(0) }
            bytes[n / 8] |= UInt8(1) << UInt8(n % 8)
        }
        for part in list.split(separator: ",") {
            let r = part.split(separator: "-", maxSplits: 1).map { String($0).trimmingWhitespace() }
            guard let lo = Int(r[0]), let hi = r.count == 2 ? Int(r[1]) : lo, lo >= 0, lo <= hi, hi < 65536 else {
                throw CgroupError("linux.resources.cpu.\(field): invalid list \(quoted(list))")
            }
            for n in lo...hi { set(n) }
        }
        guard !bytes.isEmpty else { throw CgroupError("linux.resources.cpu.\(field): empty list \(quoted(list))") }
        return bytes
    }

    /// DevicePolicy/DeviceAllow (runc's generateDeviceProperties, without its emulator:
    /// the rules are replayed in order). systemd has no deny entries: a list that ends in
    /// allow-all becomes policy "auto" with no entries; denials inside an allow list remove
    /// the matching entry. Our own eBPF filter, written afterwards, is exact either way.
    static func deviceProperties(_ rules: [DeviceRule]) -> [SystemdProperty] {
        var allowAll = false
        var entries: [SystemdProperty.DeviceAllowEntry] = []
        for rule in rules {
            if rule.isWildcardAll {
                allowAll = rule.allow
                entries = []
                continue
            }
            guard let entry = deviceEntry(rule) else { continue }
            if rule.allow {
                if !allowAll { entries.append(entry) }
            } else {
                entries.removeAll { $0.path == entry.path }
            }
        }
        if allowAll {
            return [.init("DevicePolicy", .string("auto")), .init("DeviceAllow", .devices([]))]
        }
        return [.init("DevicePolicy", .string("strict")), .init("DeviceAllow", .devices(entries))]
    }

    static func deviceEntry(_ rule: DeviceRule) -> SystemdProperty.DeviceAllowEntry? {
        let kinds: String
        switch rule.kind {
        case .all: return nil  // narrowed "a" rules: left to the eBPF filter
        case .char: kinds = "char"
        case .block: kinds = "block"
        }
        let perms = rule.accessString
        switch (rule.major, rule.minor) {
        case (nil, nil): return .init(path: kinds + "-*", permissions: perms)
        case (nil, _?): return nil  // "*:n" has no systemd form
        case (let major?, nil):
            guard let group = deviceGroup(kind: kinds, major: major) else { return nil }
            return .init(path: kinds + "-" + group, permissions: perms)
        case (let major?, let minor?):
            return .init(path: "/dev/\(kinds)/\(major):\(minor)", permissions: perms)
        }
    }

    /// The driver name of `major` in /proc/devices ("136 pts" under "Character devices:").
    static func deviceGroup(kind: String, major: UInt32) -> String? {
        guard let text = try? CgroupFile.read(path: "/proc/devices") else { return nil }
        var section = ""
        for line in text.split(separator: "\n") {
            if line.hasSuffix(":") { section = line.hasPrefix("Character") ? "char" : "block"; continue }
            let f = line.split(separator: " ")
            if section == kind, f.count == 2, UInt32(f[0]) == major { return String(f[1]) }
        }
        return nil
    }
}
