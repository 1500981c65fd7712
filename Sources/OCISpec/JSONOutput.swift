#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// JSON output with a stable key order and unescaped slashes (paths stay readable).
enum OCIJSON {
    static func encode<T: Encodable>(_ value: T, pretty: Bool) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting =
            pretty
            ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            : [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }
}

extension Spec {
    public func encodedJSON(pretty: Bool = true) throws -> Data { try OCIJSON.encode(self, pretty: pretty) }
}

extension Process {
    public func encodedJSON(pretty: Bool = true) throws -> Data { try OCIJSON.encode(self, pretty: pretty) }
}

extension Features {
    public func encodedJSON(pretty: Bool = true) throws -> Data { try OCIJSON.encode(self, pretty: pretty) }
}
