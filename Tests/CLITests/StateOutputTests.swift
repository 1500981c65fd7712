import Testing
import TestSupport
@testable import ContainerCore
@testable import RuntimeCLI

/// `state` prints with a small writer instead of JSONEncoder: its output must stay the
/// encoder's, byte for byte (key order, spacing, escapes), whatever the strings hold.
@Suite struct StateOutputTests {
    static func state(_ text: String, pid: Int32 = 42, annotations: [String: String]? = nil) -> OCIStateOutput {
        OCIStateOutput(
            ociVersion: "1.2.0", id: "c-" + text, pid: pid, status: "running", bundle: "/b/" + text, rootfs: text,
            created: "2026-12-02T09:32:39.687794560Z", owner: text + "root", annotations: annotations)
    }

    static let hostile: [String] =
        (0..<0x80).map { String(Unicode.Scalar(UInt8($0))) } + [
            "", "\"", "\\", "/", "\\\"", "a\"b\\c/d", "\u{7F}", "é", "日本語", "👍🏽", "\u{2028}\u{2029}", "\u{FEFF}",
            "\u{10FFFF}", "e\u{301}", "\r\n", "\u{1B}[31m", "\u{0}\u{1}\u{1F}\u{20}", "</script>", "\\u0000"
        ]

    @Test func sameAsTheEncoderOnHostileStrings() throws {
        for text in Self.hostile {
            let s = Self.state(text)
            #expect(try JSONText.state(s) == JSONText.pretty(s), "\(text.unicodeScalars.map { $0.value })")
        }
    }

    @Test func sameAsTheEncoderOnRandomStrings() throws {
        var rng = SplitMix64(seed: 0x5747_4154_4521)
        let alphabet = Self.hostile.flatMap(\.unicodeScalars)
        for _ in 0..<500 {
            var text = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0..<24, using: &rng) { text.append(alphabet.randomElement(using: &rng)!) }
            let s = Self.state(String(text), pid: Int32.random(in: Int32.min...Int32.max, using: &rng))
            #expect(try JSONText.state(s) == JSONText.pretty(s))
        }
    }

    @Test(arguments: [Int32.min, -1, 0, 1, Int32.max])
    func pidsAsTheEncoderWritesThem(pid: Int32) throws {
        let s = Self.state("x", pid: pid)
        #expect(try JSONText.state(s) == JSONText.pretty(s))
    }

    /// Annotations (keys sorted as the encoder sorts them) go through the encoder itself.
    @Test(arguments: [[:], ["b": "2", "a": "1", "B": "\"", "a10": "x", "a9": "y"]])
    func withAnnotations(annotations: [String: String]) throws {
        let s = Self.state("x", annotations: annotations)
        #expect(try JSONText.state(s) == JSONText.pretty(s))
    }

    @Test func theShapeCallersMatch() throws {
        #expect(
            try JSONText.state(Self.state("r"))
                == """
                {
                  "bundle" : "/b/r",
                  "created" : "2026-12-02T09:32:39.687794560Z",
                  "id" : "c-r",
                  "ociVersion" : "1.2.0",
                  "owner" : "rroot",
                  "pid" : 42,
                  "rootfs" : "r",
                  "status" : "running"
                }
                """)
    }
}
