#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

enum JSONText {
    static func pretty<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Compact, sorted keys (Go sorts map keys): one value, or a fragment of a larger object.
    static func compact<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// An object whose keys come in the given order (runc's struct field order, which
    /// scripts match as text); JSONEncoder keeps no order but sorted. Values are compact JSON.
    static func object(_ fields: [(key: String, json: String)]) throws -> String {
        try "{" + fields.map { try compact($0.key) + ":" + $0.json }.joined(separator: ",") + "}"
    }
}
