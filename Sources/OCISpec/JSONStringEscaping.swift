/// A JSON string literal as JSONEncoder writes one with `.withoutEscapingSlashes`: quote,
/// backslash and control characters escaped (the short forms where JSON has them, else
/// `\u00xx`), everything else verbatim (a Swift String is valid UTF-8 already).
///
/// For the few small documents written on every container start (state.json, `state`'s
/// output): JSONEncoder's first use in a process costs ~170,000 instructions of run-time
/// type look-ups per encoded type, more than the whole document's bytes.
public enum JSONStringEscaping {
    public static func append(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            out.reserveCapacity(out.count + bytes.count + 2)
            out.append(UInt8(ascii: "\""))
            var copied = 0  // bytes before this offset are in `out`
            for i in 0..<bytes.count where bytes[i] < 0x20 || bytes[i] == UInt8(ascii: "\"") || bytes[i] == UInt8(ascii: "\\") {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<i]))
                appendEscape(bytes[i], to: &out)
                copied = i + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied...]))
            out.append(UInt8(ascii: "\""))
        }
    }

    private static func appendEscape(_ byte: UInt8, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        switch byte {
        case 0x08: out.append(UInt8(ascii: "b"))
        case 0x0C: out.append(UInt8(ascii: "f"))
        case 0x0A: out.append(UInt8(ascii: "n"))
        case 0x0D: out.append(UInt8(ascii: "r"))
        case 0x09: out.append(UInt8(ascii: "t"))
        case 0..<0x20:
            out.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
        default: out.append(byte)  // quote and backslash
        }
    }

    private static let hex = Array("0123456789abcdef".utf8)

    /// The literal as a String.
    public static func quoted(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 2)
        append(text, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

/// A compact JSON object written member by member, in the order given.
public struct JSONObjectWriter {
    private var bytes: [UInt8] = [UInt8(ascii: "{")]

    public init() {}

    public mutating func member(_ key: String, _ value: String) {
        name(key)
        JSONStringEscaping.append(value, to: &bytes)
    }

    public mutating func member(_ key: String, _ value: Int64) {
        name(key)
        bytes.append(contentsOf: String(value).utf8)
    }

    public mutating func member(_ key: String, _ value: UInt64) {
        name(key)
        bytes.append(contentsOf: String(value).utf8)
    }

    public mutating func member(_ key: String, _ value: Bool) {
        name(key)
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    /// The finished document.
    public func finished() -> [UInt8] { bytes + [UInt8(ascii: "}")] }

    private mutating func name(_ key: String) {
        if bytes.count > 1 { bytes.append(UInt8(ascii: ",")) }
        JSONStringEscaping.append(key, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
    }
}
