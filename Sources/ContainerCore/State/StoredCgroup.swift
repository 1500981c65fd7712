import Cgroups
import OCISpec

/// How state.json keeps the cgroup handle. Format 2 (ContainerRecord.currentFormat): flat
/// string fields beside the record's own, a list as one string of length-prefixed elements
/// ("5:blkio20:/sys/fs/cgroup/blkio"). Every nested Codable type, dictionary, array or
/// optional that JSONDecoder meets costs run-time type look-ups (demangling, scans of every
/// protocol conformance in the binary): the nested handle of format 1 was ~7% of a `state`,
/// and even `[String]` fields cost ~100,000 instructions each. A plain string field costs
/// ~3,000, one with escapes (a NUL separator is "\u0000") ~40,000: hence the lengths.
/// Format 1 (no "stateFormat" key; containers created by earlier runtimes, still running
/// across an upgrade) kept the handle as one "cgroup" object: it is still read.
enum StoredCgroup {
    typealias Keys = ContainerRecord.CodingKeys

    static func write(_ handle: CgroupHandle, into w: inout JSONObjectWriter) {
        w.member(Keys.cgroupKind.stringValue, handle.kind.rawValue)
        w.member(Keys.cgroupPaths.stringValue, list(pairs(handle.paths)))
        w.member(Keys.cgroupMounts.stringValue, list(pairs(handle.mountPoints)))
        w.member(Keys.cgroupCreated.stringValue, list(handle.created))
        if let unit = handle.systemd {
            w.member(Keys.systemdUnit.stringValue, unit.unit)
            w.member(Keys.systemdSlice.stringValue, unit.slice)
            w.member(Keys.systemdName.stringValue, unit.name)
            w.member(Keys.systemdUser.stringValue, unit.user)
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
            created: try elements(c, .cgroupCreated))
        if c.contains(.systemdUnit) {
            handle.systemd = SystemdUnit(
                unit: try c.decode(String.self, forKey: .systemdUnit), slice: try c.decode(String.self, forKey: .systemdSlice),
                name: try c.decode(String.self, forKey: .systemdName), user: try c.decode(Bool.self, forKey: .systemdUser))
        }
        return handle
    }

    /// The format-2 handle from state.json's members as FlatJSONObject read them: nil inside
    /// when there is none; a throw for anything the decoder would not accept as written.
    static func read(_ members: [String: FlatJSONObject.Member]) throws -> CgroupHandle? {
        guard let kindName = members[Keys.cgroupKind.stringValue] else { return nil }
        guard case .string(let name) = kindName, let kind = CgroupLayoutKind(rawValue: name) else { throw FlatState.Unreadable() }
        var handle = CgroupHandle(
            kind: kind, paths: try map(of: FlatState.string(members, .cgroupPaths)),
            mountPoints: try map(of: FlatState.string(members, .cgroupMounts)),
            created: try elements(of: FlatState.string(members, .cgroupCreated)))
        if members[Keys.systemdUnit.stringValue] != nil {
            guard case .bool(let user)? = members[Keys.systemdUser.stringValue] else { throw FlatState.Unreadable() }
            handle.systemd = SystemdUnit(
                unit: try FlatState.string(members, .systemdUnit), slice: try FlatState.string(members, .systemdSlice),
                name: try FlatState.string(members, .systemdName), user: user)
        }
        return handle
    }

    /// A dictionary as [key, value, key, value …], sorted by key (stable files).
    private static func pairs(_ map: [String: String]) -> [String] {
        map.sorted { $0.key < $1.key }.flatMap { [$0.key, $0.value] }
    }

    /// What is wrong with a stored list (the reason in a decoding error).
    enum ListDamage: Error, CustomStringConvertible {
        case invalidLength, oddCount, duplicateKey(String)
        var description: String {
            switch self {
            case .invalidLength: "a list element without a valid length"
            case .oddCount: "odd number of entries in a key/value list"
            case .duplicateKey(let key): "duplicate key \"\(key)\""
            }
        }
    }

    private static func map(_ c: KeyedDecodingContainer<Keys>, _ key: Keys) throws -> [String: String] {
        do { return try map(of: try c.decode(String.self, forKey: key)) } catch let damage as ListDamage {
            throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: damage.description)
        }
    }

    private static func elements(_ c: KeyedDecodingContainer<Keys>, _ key: Keys) throws -> [String] {
        do { return try elements(of: try c.decode(String.self, forKey: key)) } catch let damage as ListDamage {
            throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: damage.description)
        }
    }

    static func map(of text: String) throws(ListDamage) -> [String: String] {
        let flat = try elements(of: text)
        guard flat.count % 2 == 0 else { throw .oddCount }
        var map: [String: String] = [:]
        for i in stride(from: 0, to: flat.count, by: 2) {
            guard map.updateValue(flat[i + 1], forKey: flat[i]) == nil else { throw .duplicateKey(flat[i]) }
        }
        return map
    }

    /// Each element as its UTF-8 length, ":", and itself.
    private static func list(_ elements: [String]) -> String {
        var bytes: [UInt8] = []  // appends to a String cost ~350 instructions each
        bytes.reserveCapacity(elements.reduce(0) { $0 + $1.utf8.count + 5 })
        for element in elements {
            bytes.append(contentsOf: String(element.utf8.count).utf8)
            bytes.append(UInt8(ascii: ":"))
            bytes.append(contentsOf: element.utf8)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func elements(of text: String) throws(ListDamage) -> [String] {
        let bytes = Array(text.utf8)
        var elements: [String] = []
        var i = 0
        while i < bytes.count {
            var length = 0
            let digits = i
            while i < bytes.count, bytes[i] != UInt8(ascii: ":") {
                guard bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9"), length <= bytes.count else { throw .invalidLength }
                length = length * 10 + Int(bytes[i] - UInt8(ascii: "0"))
                i += 1
            }
            guard i > digits, i < bytes.count, length <= bytes.count - i - 1 else { throw .invalidLength }
            i += 1
            elements.append(String(decoding: bytes[i..<(i + length)], as: UTF8.self))
            i += length
        }
        return elements
    }
}
