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

/// ``JSONReader/readString(ifEqualTo:)`` takes a string only when its bytes are exactly the expected text.
@Suite struct JSONReaderStringComparisonTests {
    static func read(_ document: String, _ expected: String) throws -> (taken: Bool, rest: JSONValue) {
        var reader = JSONReader(Array("[\(document), 1]".utf8))
        var taken = false
        var rest: JSONValue = .null
        try reader.readArray { reader in
            if reader.peek() == UInt8(ascii: "1") {
                rest = try reader.readValue()
            } else {
                taken = reader.readString(ifEqualTo: expected)
                if !taken { _ = try reader.readValue() }
            }
        }
        return (taken, rest)
    }

    @Test(arguments: [
        (#""abc""#, "abc", true), (#""""#, "", true), (#""é€""#, "é€", true),
        (#""abc""#, "ab", false), (#""ab""#, "abc", false), (#""a\u0062c""#, "abc", false),
        (#""a\"c""#, "a\"c", false), (#""a\\c""#, "a\\c", false), ("7", "7", false), ("null", "", false),
        (#""abd""#, "abc", false), (#" "abc" "#, "abc", true),
    ])
    func takesOnlyTheExactText(document: String, expected: String, taken: Bool) throws {
        let result = try Self.read(document, expected)
        #expect(result.taken == taken)
        // Taken or not, the reader is where it should be: the next element reads as 1.
        #expect(result.rest == .number(1))
    }

    @Test func aStringRunningPastTheEndIsNotTaken() {
        var reader = JSONReader(Array(#""abc"#.utf8))
        let pastTheEnd = reader.readString(ifEqualTo: "abc")
        #expect(!pastTheEnd)
        var other = JSONReader(Array(#""abc\#u{01}""#.utf8))
        let controlCharacter = other.readString(ifEqualTo: "abc\u{01}")
        #expect(!controlCharacter)
    }
}
