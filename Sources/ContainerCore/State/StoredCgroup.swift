import Cgroups

/// How state.json keeps the cgroup handle. Format 2 (ContainerRecord.currentFormat): flat fields of strings and
/// arrays of strings beside the record's own, since every nested Codable type, dictionary and
/// optional JSONDecoder meets for the first time in a process costs a runtime type look-up
/// (a demangle and a scan of every protocol conformance in the binary): decoding the nested
/// handle of format 1 was ~7% of a `state`.
/// Format 1 (no "stateFormat" key; containers created by earlier runtimes, still running
/// across an upgrade) kept the handle as one "cgroup" object: it is still read.
enum StoredCgroup {
    typealias Keys = ContainerRecord.CodingKeys

    static func encode(_ handle: CgroupHandle, into c: inout KeyedEncodingContainer<Keys>) throws {
        try c.encode(handle.kind.rawValue, forKey: .cgroupKind)
        try c.encode(pairs(handle.paths), forKey: .cgroupPaths)
        try c.encode(pairs(handle.mountPoints), forKey: .cgroupMounts)
        try c.encode(handle.created, forKey: .cgroupCreated)
        if let unit = handle.systemd {
            try c.encode(unit.unit, forKey: .systemdUnit)
            try c.encode(unit.slice, forKey: .systemdSlice)
            try c.encode(unit.name, forKey: .systemdName)
            try c.encode(unit.user, forKey: .systemdUser)
        }
    }

    /// The handle in either format; nil when the container has none (rootless without a
    /// delegated cgroup).
    static func decode(from c: KeyedDecodingContainer<Keys>, format: Int) throws -> CgroupHandle? {
        if format == 1 { return try c.decodeIfPresent(CgroupHandle.self, forKey: .cgroup) }
        guard c.contains(.cgroupKind) else { return nil }
        let kindName = try c.decode(String.self, forKey: .cgroupKind)
        guard let kind = CgroupLayoutKind(rawValue: kindName) else {
            throw DecodingError.dataCorruptedError(forKey: .cgroupKind, in: c, debugDescription: "unknown cgroup layout \"\(kindName)\"")
        }
        var handle = CgroupHandle(
            kind: kind, paths: try map(c, .cgroupPaths), mountPoints: try map(c, .cgroupMounts),
            created: try c.decode([String].self, forKey: .cgroupCreated))
        if c.contains(.systemdUnit) {
            handle.systemd = SystemdUnit(
                unit: try c.decode(String.self, forKey: .systemdUnit), slice: try c.decode(String.self, forKey: .systemdSlice),
                name: try c.decode(String.self, forKey: .systemdName), user: try c.decode(Bool.self, forKey: .systemdUser))
        }
        return handle
    }

    /// A dictionary as [key, value, key, value …], sorted by key (stable files).
    private static func pairs(_ map: [String: String]) -> [String] {
        map.sorted { $0.key < $1.key }.flatMap { [$0.key, $0.value] }
    }

    private static func map(_ c: KeyedDecodingContainer<Keys>, _ key: Keys) throws -> [String: String] {
        let flat = try c.decode([String].self, forKey: key)
        guard flat.count % 2 == 0 else {
            throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "odd number of entries in a key/value list")
        }
        var map: [String: String] = [:]
        for i in stride(from: 0, to: flat.count, by: 2) {
            guard map.updateValue(flat[i + 1], forKey: flat[i]) == nil else {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "duplicate key \"\(flat[i])\"")
            }
        }
        return map
    }
}
