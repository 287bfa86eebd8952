/// A small XML reader for AWS responses: elements, text, entity and character references, CDATA, comments,
/// processing instructions and the XML declaration. Attributes are skipped; DTDs are refused.
///
/// It never traps on bad input: malformed documents throw ``XMLReaderError``. Parsing is iterative, so deep
/// nesting cannot overflow the stack (a depth limit guards memory instead).
public enum XMLReader {
    /// The deepest nesting accepted; AWS documents stay far below it.
    public static let maximumDepth = 256

    /// Parses `bytes` and returns the root element.
    /// - Throws: ``XMLReaderError`` when the document is not well-formed.
    public static func parse(_ bytes: [UInt8]) throws(XMLReaderError) -> AWSXMLElement {
        var parser = Parser(bytes: bytes)
        return try parser.parseDocument()
    }

    /// Parses the UTF-8 of `text`.
    public static func parse(_ text: String) throws(XMLReaderError) -> AWSXMLElement {
        try parse(Array(text.utf8))
    }
}

/// A malformed XML document.
public struct XMLReaderError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong.
    public var reason: String
    /// The byte offset where it was noticed.
    public var offset: Int

    /// Creates an error.
    public init(reason: String, offset: Int) {
        self.reason = reason
        self.offset = offset
    }

    public var description: String { "malformed XML at byte \(offset): \(reason)" }
}

private struct Builder {
    var name: [UInt8]
    var children: [AWSXMLElement] = []
    var text: [UInt8] = []

    func build() -> AWSXMLElement {
        AWSXMLElement(
            name: String(decoding: name, as: UTF8.self),
            children: children,
            text: String(decoding: text, as: UTF8.self)
        )
    }
}

private struct Parser {
    let bytes: [UInt8]
    var index = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    func fail(_ reason: String) -> XMLReaderError { XMLReaderError(reason: reason, offset: index) }

    mutating func parseDocument() throws(XMLReaderError) -> AWSXMLElement {
        // A UTF-8 byte order mark is allowed before the prolog.
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
        var stack: [Builder] = []
        var root: AWSXMLElement?
        while index < bytes.count {
            let byte = bytes[index]
            if byte != UInt8(ascii: "<") {
                if stack.isEmpty {
                    guard isSpace(byte) else { throw fail("text outside the root element") }
                    index += 1
                } else {
                    try readText(into: &stack[stack.count - 1].text)
                }
                continue
            }
            if starts(with: "<?") {
                try skip(past: "?>")
            } else if starts(with: "<!--") {
                try skip(past: "-->")
            } else if starts(with: "<![CDATA[") {
                guard !stack.isEmpty else { throw fail("CDATA outside the root element") }
                index += 9
                guard let end = find("]]>") else { throw fail("unterminated CDATA section") }
                stack[stack.count - 1].text.append(contentsOf: bytes[index..<end])
                index = end + 3
            } else if starts(with: "<!") {
                throw fail("DTDs and declarations are not accepted")
            } else if starts(with: "</") {
                index += 2
                let name = try readName()
                skipSpaces()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ">") else { throw fail("expected '>'") }
                index += 1
                guard let open = stack.popLast() else { throw fail("closing tag without an open element") }
                guard open.name == name else { throw fail("mismatched closing tag") }
                let element = open.build()
                if stack.isEmpty {
                    guard root == nil else { throw fail("more than one root element") }
                    root = element
                } else {
                    stack[stack.count - 1].children.append(element)
                }
            } else {
                index += 1
                let name = try readName()
                let selfClosing = try skipAttributes()
                if stack.isEmpty, root != nil { throw fail("more than one root element") }
                let builder = Builder(name: name)
                if selfClosing {
                    if stack.isEmpty {
                        root = builder.build()
                    } else {
                        stack[stack.count - 1].children.append(builder.build())
                    }
                } else {
                    guard stack.count < XMLReader.maximumDepth else { throw fail("nesting too deep") }
                    stack.append(builder)
                }
            }
        }
        guard stack.isEmpty else { throw fail("unexpected end of document inside an element") }
        guard let root else { throw fail("no root element") }
        return root
    }

    func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    func starts(with prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        return prefix.withUTF8Buffer { buffer in
            for offset in 0..<count where bytes[index + offset] != buffer[offset] { return false }
            return true
        }
    }

    func find(_ needle: StaticString) -> Int? {
        let count = needle.utf8CodeUnitCount
        return needle.withUTF8Buffer { buffer -> Int? in
            var position = index
            while position + count <= bytes.count {
                var match = true
                for offset in 0..<count where bytes[position + offset] != buffer[offset] {
                    match = false
                    break
                }
                if match { return position }
                position += 1
            }
            return nil
        }
    }

    mutating func skip(past terminator: StaticString) throws(XMLReaderError) {
        guard let end = find(terminator) else { throw fail("unterminated markup") }
        index = end + terminator.utf8CodeUnitCount
    }

    mutating func skipSpaces() {
        while index < bytes.count, isSpace(bytes[index]) { index += 1 }
    }

    /// Reads a tag name and returns its local part (without any `prefix:`).
    mutating func readName() throws(XMLReaderError) -> [UInt8] {
        let start = index
        var colon = -1
        while index < bytes.count {
            let byte = bytes[index]
            if isSpace(byte) || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "=")
                || byte == UInt8(ascii: "<")
            {
                break
            }
            if byte == UInt8(ascii: ":") { colon = index }
            index += 1
        }
        guard index > start else { throw fail("expected an element name") }
        return Array(bytes[(colon >= 0 ? colon + 1 : start)..<index])
    }

    /// Skips the attributes of a start tag; returns true for `/>`.
    mutating func skipAttributes() throws(XMLReaderError) -> Bool {
        while true {
            skipSpaces()
            guard index < bytes.count else { throw fail("unterminated start tag") }
            let byte = bytes[index]
            if byte == UInt8(ascii: ">") {
                index += 1
                return false
            }
            if byte == UInt8(ascii: "/") {
                guard index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: ">") else {
                    throw fail("expected '/>'")
                }
                index += 2
                return true
            }
            _ = try readName()
            skipSpaces()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else { throw fail("expected '='") }
            index += 1
            skipSpaces()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else {
                throw fail("expected a quoted attribute value")
            }
            let quote = bytes[index]
            index += 1
            while index < bytes.count, bytes[index] != quote {
                guard bytes[index] != UInt8(ascii: "<") else { throw fail("'<' in an attribute value") }
                index += 1
            }
            guard index < bytes.count else { throw fail("unterminated attribute value") }
            index += 1
        }
    }

    mutating func readText(into text: inout [UInt8]) throws(XMLReaderError) {
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "<") { return }
            if byte == UInt8(ascii: "&") {
                try readReference(into: &text)
            } else {
                text.append(byte)
                index += 1
            }
        }
    }

    mutating func readReference(into text: inout [UInt8]) throws(XMLReaderError) {
        let start = index + 1
        var end = start
        while end < bytes.count, bytes[end] != UInt8(ascii: ";"), end - start < 12 { end += 1 }
        guard end < bytes.count, bytes[end] == UInt8(ascii: ";"), end > start else {
            throw fail("malformed entity reference")
        }
        let name = bytes[start..<end]
        switch String(decoding: name, as: UTF8.self) {
        case "amp": text.append(UInt8(ascii: "&"))
        case "lt": text.append(UInt8(ascii: "<"))
        case "gt": text.append(UInt8(ascii: ">"))
        case "quot": text.append(UInt8(ascii: "\""))
        case "apos": text.append(UInt8(ascii: "'"))
        case let reference where reference.hasPrefix("#"):
            let isHex = reference.hasPrefix("#x") || reference.hasPrefix("#X")
            let digits = reference.dropFirst(isHex ? 2 : 1)
            guard !digits.isEmpty, let code = UInt32(digits, radix: isHex ? 16 : 10), code != 0,
                let scalar = Unicode.Scalar(code)
            else { throw fail("invalid character reference") }
            text.append(contentsOf: Array(String(Character(scalar)).utf8))
        default:
            throw fail("unknown entity reference")
        }
        index = end + 1
    }
}
