import OCISpec
import Testing

/// The reader of the runtime's own flat state.json (every member a string, number or boolean).
@Suite struct FlatJSONObjectTests {
    @Test func readsStringsNumbersAndBooleans() throws {
        let text = #"{ "s" : "a\"b\\c\/d\u00e9\ud83d\udc4d\n", "n": -12.5e3, "i":18446744073709551615, "t":true, "f":false, "e":"" }"#
        let m = try #require(FlatJSONObject.parse(Array(text.utf8)))
        #expect(m["s"] == .string("a\"b\\c/dé👍\n"))
        #expect(m["n"] == .number("-12.5e3") && m["i"] == .number("18446744073709551615"))
        #expect(m["t"] == .bool(true) && m["f"] == .bool(false) && m["e"] == .string(""))
        #expect(m.count == 6)
        #expect(FlatJSONObject.parse(Array("{}".utf8)) == [:])
    }

    @Test(arguments: [
        #"{"a":null}"#, #"{"a":[]}"#, #"{"a":{}}"#, #"[]"#, #""a""#, "1", "", "{", #"{"a":1,}"#, #"{"a":1} x"#,
        #"{"a":"\x"}"#, "{\"a\":\"\u{1}\"}"
    ])
    func anythingElseIsNil(text: String) {
        #expect(FlatJSONObject.parse(Array(text.utf8)) == nil)
    }

    /// JSONDecoder refuses a document that is not UTF-8: so does this reader.
    @Test func invalidUTF8IsNil() {
        for bad: [UInt8] in [[0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80]] {
            #expect(FlatJSONObject.parse(Array(#"{"a":""#.utf8) + bad + Array(#""}"#.utf8)) == nil)
        }
        #expect(FlatJSONObject.parse(Array(#"{"a":"é"}"#.utf8)) == ["a": .string("é")])
    }
}
