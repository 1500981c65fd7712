import Glibc

/// Finding a byte string in a buffer with memchr for its first byte and memcmp for the rest:
/// megabyte configs and long mountinfo files are searched in microseconds, not in a
/// byte-by-byte Swift loop.
public enum ByteSearch {
    /// The offset of the first `needle` in `haystack` at or after `from`, or nil.
    public static func firstOffset(of needle: [UInt8], in haystack: UnsafeRawBufferPointer, from: Int = 0) -> Int? {
        guard let first = needle.first, let base = haystack.baseAddress, from >= 0 else { return nil }
        let last = haystack.count - needle.count  // the last offset a match can start at
        var offset = from
        while offset <= last {
            guard let hit = memchr(base + offset, Int32(first), last - offset + 1) else { return nil }
            let at = base.distance(to: UnsafeRawPointer(hit))
            if memcmp(base + at, needle, needle.count) == 0 { return at }
            offset = at + 1
        }
        return nil
    }

    /// Whether `needle` occurs in `haystack`.
    public static func contains(_ needle: [UInt8], in haystack: [UInt8]) -> Bool {
        haystack.withUnsafeBytes { firstOffset(of: needle, in: $0) != nil }
    }
}
