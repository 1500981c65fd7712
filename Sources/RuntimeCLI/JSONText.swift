import ContainerCore
import OCISpec
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

extension JSONText {
    /// `state`'s output, byte for byte what `pretty(state)` prints, without JSONEncoder: its
    /// first use in a process costs ~5% of a `state` in run-time type look-ups. The fields are
    /// fixed strings and one integer; a state with annotations (keys in the encoder's own sort
    /// order) still goes through the encoder. CLITests compare both over hostile strings.
    static func state(_ s: OCIStateOutput) throws -> String {
        if s.annotations != nil { return try pretty(s) }
        // Sorted keys, as .sortedKeys orders them. Plain appends: `joined` alone cost ~190,000
        // instructions here (a run-time look-up of an associated type).
        var out = "{\n  \"bundle\" : " + string(s.bundle)
        out += ",\n  \"created\" : " + string(s.created)
        out += ",\n  \"id\" : " + string(s.id)
        out += ",\n  \"ociVersion\" : " + string(s.ociVersion)
        out += ",\n  \"owner\" : " + string(s.owner)
        out += ",\n  \"pid\" : " + String(s.pid)
        out += ",\n  \"rootfs\" : " + string(s.rootfs)
        out += ",\n  \"status\" : " + string(s.status)
        return out + "\n}"
    }

    /// A JSON string as JSONEncoder writes it with .withoutEscapingSlashes.
    static func string(_ text: String) -> String { JSONStringEscaping.quoted(text) }
}
