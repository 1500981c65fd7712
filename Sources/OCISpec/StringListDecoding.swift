/// Decoding of the fields that grow with a config: `process.args`, `process.env` and
/// `annotations` (a 1 MB config is mostly these).
///
/// The synthesized code decodes `[String]` and `[String: String]` through the generic
/// element path: per element JSONDecoder builds a decoder, a single-value container and
/// calls `String.init(from:)`. The concrete `decode(String.self…)` overloads read the
/// string straight from the parsed document, about twice as fast on large lists. The
/// results, coding paths and errors are those of the synthesized code.
extension KeyedDecodingContainer {
    /// `decodeIfPresent([String].self, forKey:)`: nil when absent or null.
    public func decodeStringsIfPresent(forKey key: Key) throws -> [String]? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        var list = try nestedUnkeyedContainer(forKey: key)
        var strings: [String] = []
        strings.reserveCapacity(list.count ?? 0)
        while !list.isAtEnd { strings.append(try list.decode(String.self)) }
        return strings
    }

    /// `decodeIfPresent([String: String].self, forKey:)`: nil when absent or null.
    public func decodeStringMapIfPresent(forKey key: Key) throws -> [String: String]? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        let object = try nestedContainer(keyedBy: MemberKey.self, forKey: key)
        let members = object.allKeys
        var map = [String: String](minimumCapacity: members.count)
        for member in members { map[member.stringValue] = try object.decode(String.self, forKey: member) }
        return map
    }
}

/// Any member name of a JSON object.
struct MemberKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
