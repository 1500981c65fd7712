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
}
