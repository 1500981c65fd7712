import OCISpec

/// One `linux.resources.devices[]` entry, checked and resolved: wildcards are nil,
/// access is a bit set in the kernel's BPF_DEVCG_ACC_* encoding.
struct DeviceRule: Equatable, Sendable {
    enum Kind: Character, Sendable { case all = "a", char = "c", block = "b" }

    static let mknod: UInt8 = 1, read: UInt8 = 2, write: UInt8 = 4
    static let rwm: UInt8 = 7

    var allow: Bool
    var kind: Kind
    var major: UInt32?
    var minor: UInt32?
    var access: UInt8

    init(allow: Bool, kind: Kind, major: UInt32? = nil, minor: UInt32? = nil, access: UInt8 = DeviceRule.rwm) {
        self.allow = allow
        self.kind = kind
        self.major = major
        self.minor = minor
        self.access = access
    }

    /// Resolves a spec rule. nil (or negative, runc's wildcard -1) major/minor match
    /// every number; nil or "" access is "rwm"; nil type is "a".
    init(_ d: LinuxDeviceCgroup, index: Int) throws {
        let at = "linux.resources.devices[\(index)]"
        let type = d.type ?? "a"
        guard type.count == 1, let kind = Kind(rawValue: type.first!) else {
            throw CgroupError("\(at).type: unknown device type \(quoted(d.type ?? ""))")
        }
        func number(_ v: Int64?, _ name: String, max: Int64) throws -> UInt32? {
            guard let v, v >= 0 else { return nil }
            guard v <= max, let exact = UInt32(exactly: v) else {
                throw CgroupError("\(at).\(name): \(v) is out of range 0...\(max)")
            }
            return exact
        }
        var access: UInt8 = 0
        for ch in d.access ?? "" {
            switch ch {
            case "r": access |= DeviceRule.read
            case "w": access |= DeviceRule.write
            case "m": access |= DeviceRule.mknod
            default: throw CgroupError("\(at).access: unknown access \(quoted(String(ch))) in \(quoted(d.access ?? ""))")
            }
        }
        self.init(
            allow: d.allow, kind: kind, major: try number(d.major, "major", max: DeviceNumber.maxMajor),
            minor: try number(d.minor, "minor", max: DeviceNumber.maxMinor),
            access: access == 0 ? DeviceRule.rwm : access)
    }

    static func resolve(_ rules: [LinuxDeviceCgroup]) throws -> [DeviceRule] {
        try rules.enumerated().map { try DeviceRule($0.element, index: $0.offset) }
    }

    var accessString: String {
        var s = ""
        if access & DeviceRule.read != 0 { s += "r" }
        if access & DeviceRule.write != 0 { s += "w" }
        if access & DeviceRule.mknod != 0 { s += "m" }
        return s
    }

    /// Matches every device with every access: the kernel's "a" entry.
    var isWildcardAll: Bool { kind == .all && major == nil && minor == nil && access == DeviceRule.rwm }

    /// What to write to devices.allow / devices.deny (v1), one write each. The v1
    /// kernel reads a leading "a" as "all devices" and ignores the rest of the
    /// line, so a type-"a" rule narrowed by numbers or access is written as the
    /// same rule for "c" and for "b".
    var v1Entries: [String] {
        if isWildcardAll { return ["a"] }
        let numbers = "\(major.map(String.init) ?? "*"):\(minor.map(String.init) ?? "*") \(accessString)"
        switch kind {
        case .all: return ["c " + numbers, "b " + numbers]
        case .char: return ["c " + numbers]
        case .block: return ["b " + numbers]
        }
    }
}

public enum DeviceRules {
    /// The devices runc allows in every container in addition to the spec's rules
    /// (libcontainer/specconv AllowedDevices): mknod of any node, and the standard
    /// /dev nodes. Appending them is the planner's decision; the Cgroups layer
    /// writes exactly the rules it is given.
    public static let runcDefaultAllowed: [LinuxDeviceCgroup] = [
        .init(allow: true, type: "c", access: "m"),
        .init(allow: true, type: "b", access: "m"),
        .init(allow: true, type: "c", major: 1, minor: 3, access: "rwm"),  // /dev/null
        .init(allow: true, type: "c", major: 1, minor: 8, access: "rwm"),  // /dev/random
        .init(allow: true, type: "c", major: 1, minor: 7, access: "rwm"),  // /dev/full
        .init(allow: true, type: "c", major: 5, minor: 0, access: "rwm"),  // /dev/tty
        .init(allow: true, type: "c", major: 1, minor: 5, access: "rwm"),  // /dev/zero
        .init(allow: true, type: "c", major: 1, minor: 9, access: "rwm"),  // /dev/urandom
        .init(allow: true, type: "c", major: 136, access: "rwm"),  // /dev/pts/*
        .init(allow: true, type: "c", major: 5, minor: 2, access: "rwm"),  // /dev/ptmx
        .init(allow: true, type: "c", major: 10, minor: 200, access: "rwm")  // /dev/net/tun
    ]

    /// v1: the writes that give the container exactly `rules` — deny everything,
    /// then each rule in order (runc's order; later rules override earlier ones).
    static func v1Writes(_ rules: [DeviceRule]) -> [(file: String, value: String)] {
        var out: [(String, String)] = [("devices.deny", "a")]
        for r in rules {
            for e in r.v1Entries { out.append((r.allow ? "devices.allow" : "devices.deny", e)) }
        }
        return out
    }
}
