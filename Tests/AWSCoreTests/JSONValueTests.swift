import AWSCore
import Foundation
import Testing

@Suite struct JSONValueTests {
    @Test func parsesNumbersIncludingExponentNotation() throws {
        let value = try JSONValue.parse(Array(#"{"a":[1.7684748E9,1768474920.0,1795532400,-0.5,1e-3,0]}"#.utf8))
        #expect(
            value["a"]?.arrayValue?.compactMap(\.doubleValue) == [
                1_768_474_800, 1_768_474_920, 1_795_532_400, -0.5, 0.001, 0,
            ]
        )
    }

    @Test func parsesStringsWithEscapesAndLiterals() throws {
        let value = try JSONValue.parse(
            Array(#"{"s":"a\"b\\c\/d\n\u00e9\ud83d\ude00","t":true,"f":false,"n":null}"#.utf8)
        )
        #expect(value["s"]?.stringValue == "a\"b\\c/d\né😀")
        #expect(value["t"] == .bool(true))
        #expect(value["f"] == .bool(false))
        #expect(value["n"]?.isNull == true)
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\":}", "{\"a\" 1}", "01x", "\"unterminated", "\"\\x\"", "\"\\ud800\"", "[1] 2", "tru",
        "-", "1.", "1e", "{\"a\":1,}", "\"a\u{01}\"",
    ])
    func rejectsMalformedJSON(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(Array(text.utf8)) }
    }

    @Test func refusesExcessiveNesting() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(Array(deep.utf8)) }
    }

    @Test func serializesCompactlyWithWholeNumbersAsIntegers() throws {
        let value: JSONValue = .object([
            "StartTime": .number(1_795_532_400), "Period": .number(60), "x": .number(0.25),
            "s": .string("q\"\n"), "l": .array([.bool(true), .null]),
        ])
        let text = String(decoding: value.serialized(), as: UTF8.self)
        #expect(text == #"{"Period":60,"StartTime":1795532400,"l":[true,null],"s":"q\"\n","x":0.25}"#)
        #expect(try JSONValue.parse(value.serialized()) == value)
    }
}
