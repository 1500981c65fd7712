/// A JSON object whose members are all strings, numbers or booleans, read with this
/// module's own parser (JSONSyntax.swift) instead of JSONDecoder.
///
/// For the runtime's own state.json, read by every per-container command: JSONDecoder's
/// first use in a process costs ~450,000 instructions of run-time type look-ups (half of a
/// whole `state`), for a document of a dozen members. Anything else (another shape, a
/// syntax error) is nil: the caller then decodes as before, with its errors.
public enum FlatJSONObject {
    public enum Member: Equatable, Sendable {
        case string(String)
        /// The number as written, so that integer conversions are exact.
        case number(String)
        case bool(Bool)
    }

    public static func parse(_ bytes: [UInt8]) -> [String: Member]? {
        // The parser passes bytes of strings through; JSONDecoder refuses invalid UTF-8.
        guard String(validating: bytes, as: UTF8.self) != nil,
            case .object(let members)? = try? JSONParser.parse(bytes: bytes)
        else { return nil }
        var flat: [String: Member] = [:]
        flat.reserveCapacity(members.count)
        for (key, value) in members {
            switch value {
            case .string(let text): flat[key] = .string(text)
            case .number(let text): flat[key] = .number(text)
            case .bool(let flag): flat[key] = .bool(flag)
            case .null, .array, .object: return nil
            }
        }
        return flat
    }
}
