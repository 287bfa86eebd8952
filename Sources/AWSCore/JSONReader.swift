/// Reads a JSON document front to back without building a ``JSONValue`` tree of it, for large answers decoded
/// straight into their own types (a 500-query GetMetricData page: profiled, building and releasing its tree was a
/// sixth of the exporter's CPU). The grammar and the nesting limit are those of ``JSONValue/parse(_:)``.
public struct JSONReader {
    private var parser: JSONParser
    private var depth = 0

    /// Creates a reader of `bytes`.
    public init(_ bytes: [UInt8]) { parser = JSONParser(bytes: bytes) }

    /// The first byte of the next value, after white space (`{`, `[`, `"`, `-`, a digit, `t`, `f` or `n` in a
    /// well-formed document); `nil` at the end.
    public mutating func peek() -> UInt8? {
        parser.skipSpaces()
        return parser.index < parser.bytes.count ? parser.bytes[parser.index] : nil
    }

    /// Reads an object, calling `member` with each key in document order; `member` must read that key's value
    /// (``readValue()`` when it has no use for it).
    /// - Throws: ``JSONParseError`` when the next value is not a well-formed object, or what `member` throws.
    public mutating func readObject(_ member: (String, inout JSONReader) throws -> Void) throws {
        try enter(UInt8(ascii: "{"), "expected an object")
        defer { depth -= 1 }
        if peek() == UInt8(ascii: "}") {
            parser.index += 1
            return
        }
        while true {
            guard peek() == UInt8(ascii: "\"") else { throw parser.fail("expected a key") }
            let key = try parser.parseString()
            guard peek() == UInt8(ascii: ":") else { throw parser.fail("expected ':'") }
            parser.index += 1
            try member(key, &self)
            switch peek() {
            case UInt8(ascii: ","): parser.index += 1
            case UInt8(ascii: "}"):
                parser.index += 1
                return
            case nil: throw parser.fail("unexpected end in object")
            default: throw parser.fail("expected ',' or '}'")
            }
        }
    }

    /// Reads an array, calling `element` once per element, which must read it.
    /// - Throws: ``JSONParseError`` when the next value is not a well-formed array, or what `element` throws.
    public mutating func readArray(_ element: (inout JSONReader) throws -> Void) throws {
        try enter(UInt8(ascii: "["), "expected an array")
        defer { depth -= 1 }
        if peek() == UInt8(ascii: "]") {
            parser.index += 1
            return
        }
        while true {
            try element(&self)
            switch peek() {
            case UInt8(ascii: ","): parser.index += 1
            case UInt8(ascii: "]"):
                parser.index += 1
                return
            case nil: throw parser.fail("unexpected end in array")
            default: throw parser.fail("expected ',' or ']'")
            }
        }
    }

    /// Reads the next value whole, as a tree (for small values: a string, a number, a list of messages).
    /// - Throws: ``JSONParseError``.
    public mutating func readValue() throws(JSONParseError) -> JSONValue {
        try parser.parseValue(depth: depth)
    }

    /// Reads the next value when it is a string whose text is exactly `expected`, written without escapes, and
    /// returns `true`; otherwise reads nothing and returns `false` (the caller then reads the value as usual). A
    /// caller that holds the string already takes it instead of a new copy: no allocation and no decoding.
    ///
    /// Byte equality with `expected`'s UTF-8 is equality of the decoded text: Swift strings are valid UTF-8, and
    /// bytes without escapes or control characters decode to themselves.
    public mutating func readString(ifEqualTo expected: String) -> Bool {
        guard peek() == UInt8(ascii: "\"") else { return false }
        let start = parser.index + 1
        let bytes = parser.bytes
        let equal =
            expected.utf8.withContiguousStorageIfAvailable { Self.quoted(bytes, from: start, equal: $0) }
            ?? Array(expected.utf8).withUnsafeBufferPointer { Self.quoted(bytes, from: start, equal: $0) }
        guard equal else { return false }
        parser.index = start + expected.utf8.count + 1
        return true
    }

    /// Whether `bytes` from `start` hold exactly `text` and then the closing quote.
    private static func quoted(_ bytes: [UInt8], from start: Int, equal text: UnsafeBufferPointer<UInt8>) -> Bool {
        let end = start + text.count
        guard end < bytes.count, bytes[end] == UInt8(ascii: "\"") else { return false }
        return bytes.withUnsafeBufferPointer { all in
            // The text itself has no quote, backslash or control character in the document's bytes when it is equal
            // to a string without them; one with them (it can only match escaped) is never equal here.
            for offset in 0..<text.count {
                let byte = all[start + offset]
                if byte != text[offset] || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 {
                    return false
                }
            }
            return true
        }
    }

    /// Checks that only white space is left.
    /// - Throws: ``JSONParseError`` when anything else follows.
    public mutating func finish() throws(JSONParseError) {
        guard peek() == nil else { throw parser.fail("trailing characters") }
    }

    private mutating func enter(_ opening: UInt8, _ expectation: String) throws(JSONParseError) {
        guard depth < JSONParser.maximumDepth else { throw parser.fail("nesting too deep") }
        guard peek() == opening else { throw parser.fail(expectation) }
        parser.index += 1
        depth += 1
    }
}
