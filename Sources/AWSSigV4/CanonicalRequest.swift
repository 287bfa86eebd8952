import Crypto
import FoundationEssentials

/// The first SigV4 stage: the request reduced to a canonical text whose hash goes into the string to sign.
///
/// Built from the request as it goes on the wire, for the non-S3 services this project calls: the path is
/// normalised and encoded a second time, the query is decoded and re-encoded, headers are folded and sorted.
package struct CanonicalRequest: Sendable, Equatable {
    /// Header names that are never signed: hop-by-hop headers, headers that proxies or the HTTP client add or
    /// change after signing, and the signature itself.
    package static let unsignedHeaderNames: Set<String> = [
        "authorization", "user-agent", "content-length", "expect", "connection", "transfer-encoding",
        "x-amzn-trace-id", "keep-alive", "proxy-authorization", "proxy-connection", "te", "trailer", "upgrade",
    ]

    /// The HTTP method, e.g. `POST`.
    package var method: String
    /// The normalised, double-encoded path.
    package var canonicalURI: String
    /// The sorted, re-encoded query string.
    package var canonicalQuery: String
    /// `name:value` lines, sorted by name, each ending in a newline.
    package var canonicalHeaders: String
    /// The signed header names joined with `;`.
    package var signedHeaders: String
    /// Hex SHA-256 of the body.
    package var payloadHash: String

    /// Canonicalises a request.
    /// - Parameters:
    ///   - method: The HTTP method.
    ///   - path: The path exactly as sent (percent-encoded once).
    ///   - query: The query string exactly as sent, without `?`.
    ///   - headers: The headers to sign, including `host` and `x-amz-date`; unsigned names are skipped.
    ///   - body: The body bytes.
    package init(method: String, path: String, query: String, headers: [(String, String)], body: [UInt8]) {
        self.method = method
        self.canonicalURI = Self.canonicalURI(path: path)
        self.canonicalQuery = Self.canonicalQuery(query)
        let folded = Self.foldHeaders(headers)
        self.canonicalHeaders = folded.map { "\($0.name):\($0.value)\n" }.joined()
        self.signedHeaders = folded.map(\.name).joined(separator: ";")
        self.payloadHash = Self.hexSHA256(body)
    }

    /// The canonical request text that is hashed.
    package var text: String {
        [method, canonicalURI, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash].joined(separator: "\n")
    }

    /// Removes `.` and `..` segments and empty segments (AWS wants `//` collapsed), keeps a trailing `/`, then
    /// percent-encodes every byte again so that an escape on the wire such as `%20` is signed as `%2520`.
    package static func canonicalURI(path: String) -> String {
        let bytes = Array(path.utf8)
        guard !bytes.isEmpty else { return "/" }
        var segments: [ArraySlice<UInt8>] = []
        for segment in bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true) {
            if segment.elementsEqual(".".utf8) { continue }
            if segment.elementsEqual("..".utf8) {
                _ = segments.popLast()
                continue
            }
            segments.append(segment)
        }
        var normalised: [UInt8] = [UInt8(ascii: "/")]
        for (index, segment) in segments.enumerated() {
            if index > 0 { normalised.append(UInt8(ascii: "/")) }
            normalised.append(contentsOf: segment)
        }
        if !segments.isEmpty, bytes.last == UInt8(ascii: "/") { normalised.append(UInt8(ascii: "/")) }
        return URIEncoding.encode(normalised, keepSlash: true)
    }

    /// Decodes each `key=value` pair and re-encodes it with the unreserved set, then sorts by encoded key and
    /// then encoded value (byte order). A key without `=` is written `key=`.
    package static func canonicalQuery(_ query: String) -> String {
        guard !query.isEmpty else { return "" }
        var pairs: [(key: String, value: String)] = []
        for part in query.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let key: Substring.UTF8View.SubSequence
            let value: Substring.UTF8View.SubSequence
            if let equals = part.firstIndex(of: UInt8(ascii: "=")) {
                key = part[part.startIndex..<equals]
                value = part[part.index(after: equals)...]
            } else {
                key = part
                value = part[part.endIndex...]
            }
            pairs.append((URIEncoding.encode(URIEncoding.decode(key)), URIEncoding.encode(URIEncoding.decode(value))))
        }
        pairs.sort { lhs, rhs in
            if lhs.key != rhs.key { return lhs.key.utf8.lexicographicallyPrecedes(rhs.key.utf8) }
            return lhs.value.utf8.lexicographicallyPrecedes(rhs.value.utf8)
        }
        return pairs.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
    }

    /// Lower-cases names, trims values and collapses inner whitespace runs (including folded lines) to one space,
    /// joins repeated headers with `,` in the order sent, drops unsigned headers, and sorts by name.
    package static func foldHeaders(_ headers: [(String, String)]) -> [(name: String, value: String)] {
        var order: [String] = []
        var values: [String: [String]] = [:]
        for (rawName, rawValue) in headers {
            let name = rawName.lowercased().trimmingASCIIWhitespace()
            guard !name.isEmpty, !unsignedHeaderNames.contains(name) else { continue }
            if values[name] == nil { order.append(name) }
            values[name, default: []].append(collapseWhitespace(rawValue))
        }
        return order.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            .map { (name: $0, value: values[$0, default: []].joined(separator: ",")) }
    }

    /// Hex SHA-256 of `bytes`, lower-case.
    package static func hexSHA256<Bytes: DataProtocol>(_ bytes: Bytes) -> String {
        SHA256.hash(data: bytes).hexString
    }

    private static func collapseWhitespace(_ value: String) -> String {
        // Profiled, `Character.isWhitespace` (a Unicode property look-up per character) was two thirds of folding
        // the headers of every signed request; the values signed are ASCII with single spaces, which this returns
        // as they are, byte for byte what the general path returns for them.
        if isCollapsedASCII(value) { return value }
        return value.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// Whether `value` is ASCII without leading, trailing or repeated spaces and without other whitespace (tab, line
    /// feed, vertical tab, form feed, carriage return): the values ``collapseWhitespace(_:)`` leaves unchanged.
    private static func isCollapsedASCII(_ value: String) -> Bool {
        var previous = UInt8(ascii: " ")
        for byte in value.utf8 {
            guard byte < 0x80, !(9...13).contains(byte), !(byte == UInt8(ascii: " ") && previous == byte) else {
                return false
            }
            previous = byte
        }
        return previous != UInt8(ascii: " ") || value.isEmpty
    }
}

extension String {
    fileprivate func trimmingASCIIWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}

extension Sequence<UInt8> {
    /// Lower-case hex of the bytes.
    package var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var output: [UInt8] = []
        for byte in self {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: output, as: UTF8.self)
    }
}
