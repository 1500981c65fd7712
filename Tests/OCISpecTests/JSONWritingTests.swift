import Foundation
import OCISpec
import Testing

/// The small JSON writers used instead of JSONEncoder on the start-up path: what they write
/// must be what the encoder would have written (or decode to the same), whatever the strings hold.
@Suite struct JSONWritingTests {
    static let hostile: [String] =
        (0..<0x80).map { String(Unicode.Scalar(UInt8($0))) } + [
            "", "\"", "\\", "/", "\\\"", "a\"b\\c/d", "\u{7F}", "é", "日本語", "👍🏽", "\u{2028}\u{2029}", "\u{FEFF}",
            "\u{10FFFF}", "e\u{301}", "\r\n", "\u{1B}[31m", "\u{0}\u{1}\u{1F}\u{20}", "</script>", "\\u0000"
        ]

    static func encoderLiteral(_ text: String) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return String(decoding: try encoder.encode(text), as: UTF8.self)
    }

    @Test func stringLiteralsAreTheEncodersOwn() throws {
        for text in Self.hostile + [Self.hostile.joined()] {
            #expect(JSONStringEscaping.quoted(text) == (try Self.encoderLiteral(text)), "\(text.unicodeScalars.map(\.value))")
        }
    }

    struct Members: Decodable, Equatable {
        var text: String
        var small: Int64
        var large: UInt64
        var flag: Bool
    }

    @Test func objectsDecodeToWhatWasWritten() throws {
        for text in Self.hostile {
            for (small, large, flag) in [(Int64.min, UInt64.max, true), (0, 0, false), (-1, 1, true), (Int64.max, 42, false)] {
                var w = JSONObjectWriter()
                w.member("text", text)
                w.member("small", small)
                w.member("large", large)
                w.member("flag", flag)
                let decoded = try JSONDecoder().decode(Members.self, from: Data(w.finished()))
                #expect(decoded == Members(text: text, small: small, large: large, flag: flag))
            }
        }
    }

    @Test func objectsAreCompactInTheOrderWritten() {
        var w = JSONObjectWriter()
        #expect(w.finished() == Array("{}".utf8))
        w.member("b", "/x\n")
        w.member("a", Int64(-3))
        w.member("\"", true)
        #expect(String(decoding: w.finished(), as: UTF8.self) == #"{"b":"/x\n","a":-3,"\"":true}"#)
    }
}
