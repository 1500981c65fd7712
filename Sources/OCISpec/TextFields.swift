/// Splitting text at a one-byte separator, as `text.utf8.split(separator:maxSplits:
/// omittingEmptySubsequences:)` does, into Strings.
///
/// The standard library's split walks indices of a String view (~80 instructions a byte
/// over UTF-8, ~500 a character over a String) and then each piece is copied into a String
/// anyway; a create split /etc/passwd, mountinfo, /proc/self/cgroup and every mount path
/// that way (~300,000 instructions under callgrind). This scans the bytes once.
public enum TextFields {
    public static func split(
        _ text: String, at separator: UInt8, maxSplits: Int = Int.max, omittingEmpty: Bool = true
    ) -> [String] {
        var text = text
        return text.withUTF8 { bytes in
            var fields: [String] = []
            var start = 0
            var splits = 0
            func emit(_ end: Int) {
                if end > start || !omittingEmpty {
                    fields.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self))
                }
            }
            var i = 0
            while i < bytes.count, splits < maxSplits {
                if bytes[i] == separator {
                    if i > start || !omittingEmpty { splits += 1 }
                    emit(i)
                    start = i + 1
                }
                i += 1
            }
            emit(bytes.count)
            return fields
        }
    }

    /// The same for a piece of a String (concrete: a generic StringProtocol parameter would be
    /// called unspecialized, with the run-time look-ups this avoids).
    public static func split(
        _ text: Substring, at separator: UInt8, maxSplits: Int = Int.max, omittingEmpty: Bool = true
    ) -> [String] {
        split(String(text), at: separator, maxSplits: maxSplits, omittingEmpty: omittingEmpty)
    }
}
