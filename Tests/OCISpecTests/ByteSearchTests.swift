import OCISpec
import Testing

/// The memchr/memcmp search that config scans (hooks, annotations) and mountinfo's cgroup
/// lines rely on: every placement, overlaps, and starting points.
@Suite struct ByteSearchTests {
    @Test func findsEveryPlacement() {
        let needle = Array("\"hooks\"".utf8)
        for (text, found) in [
            ("\"hooks\"", true), ("x\"hooks\"", true), ("\"\"hooks\"y", true), ("\"hook\"", false),
            ("\"hooks", false), ("", false), ("\"\"\"\"\"\"\"", false), ("ab\"hooks\"", true)
        ] {
            #expect(ByteSearch.contains(needle, in: Array(text.utf8)) == found, "\(text)")
        }
        #expect(!ByteSearch.contains([], in: Array("abc".utf8)))
    }

    @Test func offsetsAreTheFirstMatchFromTheStart() {
        let text = Array("aaab aab ab".utf8)
        text.withUnsafeBytes { buffer in
            let needle = Array("ab".utf8)
            #expect(ByteSearch.firstOffset(of: needle, in: buffer) == 2)
            #expect(ByteSearch.firstOffset(of: needle, in: buffer, from: 3) == 6)
            #expect(ByteSearch.firstOffset(of: needle, in: buffer, from: 7) == 9)
            #expect(ByteSearch.firstOffset(of: needle, in: buffer, from: 10) == nil)
            #expect(ByteSearch.firstOffset(of: needle, in: buffer, from: 100) == nil)
            #expect(ByteSearch.firstOffset(of: Array("aaab aab ab!".utf8), in: buffer) == nil)
        }
    }
}
