import NIOHTTP1

/// The request-head rules of Go's `net/http` server (what every exporter-toolkit exporter answers by), applied to
/// what NIO's decoder produced. Pure functions over the head, so they are unit-tested without a channel.
enum HTTP1RequestRules {
    /// Why Go refuses a request head before any handler sees it: the status, the text Go appends to the reason
    /// phrase, and how the answer is shaped.
    struct Refusal: Equatable {
        enum Shape: Equatable {
            /// Go's `errorHeaders` answer: `text/plain`, `Connection: close`, the status line repeated as a body
            /// that ends with the connection (no length).
            case closeDelimitedText
            /// An ordinary response without a body (`Content-Length: 0`), then close: Go's `sendExpectationFailed`.
            case empty
        }

        var code: Int
        var reason: String
        var detail: String?
        var shape: Shape
        /// The body of a ``Shape/closeDelimitedText`` answer when it is not the status line.
        var body: String?

        /// The reason phrase on the status line: Go puts the detail there too ("400 Bad Request: malformed Host
        /// header").
        var statusReason: String { detail.map { "\(reason): \($0)" } ?? reason }

        static func badRequest(_ detail: String?) -> Refusal {
            Refusal(code: 400, reason: "Bad Request", detail: detail, shape: .closeDelimitedText)
        }
    }

    /// What Go answers to bytes its request reader cannot parse: 431 for a head over the limit, 400 otherwise. The
    /// HTTP/2 preface `PRI * HTTP/2.0` (clients with prior knowledge send it; llhttp stops there, reported as
    /// `paused`) gets what Go's ServeMux answers to the `*` target: 400, `Content-Length: 0`, close.
    static func refusal(for error: HTTPParserError) -> Refusal {
        switch error {
        case .headerOverflow:
            Refusal(code: 431, reason: "Request Header Fields Too Large", detail: nil, shape: .closeDelimitedText)
        case .paused: Refusal(code: 400, reason: "Bad Request", detail: nil, shape: .empty)
        default: .badRequest(nil)
        }
    }

    /// The refusal Go would answer this head with, or `nil` when it goes on to the handler. In Go's order: more than
    /// one `Host`, a transfer coding other than a single `chunked` (501; NIO's decoder would fail the body after
    /// handing on the head), no `Host` on HTTP/1.1 except for CONNECT, a `Host` with a byte Go does not allow, then
    /// an `Expect` other than `100-continue` (417).
    static func refusal(for head: HTTPRequestHead) -> Refusal? {
        let hosts = head.headers["host"]
        if hosts.count > 1 { return .badRequest("too many Host headers") }
        let codings = head.headers["transfer-encoding"]
        if head.version.isHTTP11OrLater, !codings.isEmpty,
            codings.count > 1 || codings[0].lowercased() != "chunked"
        {
            return Refusal(
                code: 501,
                reason: "Not Implemented",
                detail: nil,
                shape: .closeDelimitedText,
                body: "Unsupported transfer encoding"
            )
        }
        if head.version.isHTTP11OrLater, hosts.isEmpty, head.method != .CONNECT {
            return .badRequest("missing required Host header")
        }
        // Go's header reader trims spaces and tabs around a value; NIO's keeps a trailing tab.
        if let host = hosts.first, !isValidHost(String(host.trimmingWhitespace)) {
            return .badRequest("malformed Host header")
        }
        if let expect = head.headers.first(name: "expect"), !expect.isEmpty, !hasToken(expect, "100-continue") {
            return Refusal(code: 417, reason: "Expectation Failed", detail: nil, shape: .empty)
        }
        return nil
    }

    /// Go's `httpguts.ValidHostHeader`: only the bytes a `uri-host [":" port]` can hold (letters, digits,
    /// `-._~`, sub-delims, `%`, `:`, `[`, `]`). It is deliberately loose about structure; an empty value is valid.
    static func isValidHost(_ host: String) -> Bool {
        host.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "A")...UInt8(ascii: "Z"):
                true
            default: validHostPunctuation.contains(byte)
            }
        }
    }

    private static let validHostPunctuation = Set("!$%&'()*+,-.:;=[]_~".utf8)

    /// Go's `hasToken`: `token` appears in the comma- or space-separated list `value`, ignoring case.
    static func hasToken(_ value: String, _ token: String) -> Bool {
        value.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" })
            .contains { $0.lowercased() == token }
    }

    /// Whether any of the named header's values holds `token`.
    static func headerHasToken(_ headers: HTTPHeaders, _ name: String, _ token: String) -> Bool {
        headers[name].contains { hasToken($0, token) }
    }

    /// Whether the client sent `Expect: 100-continue` with a body on HTTP/1.1, which Go only answers "100 Continue"
    /// to once a handler reads the body. No route here reads one, so, as Go, the answer goes out without reading it,
    /// and the connection closes after it (the unread body is in the way of a next request).
    static func expectsContinueWithBody(_ head: HTTPRequestHead) -> Bool {
        guard head.version.isHTTP11OrLater, let expect = head.headers.first(name: "expect"),
            hasToken(expect, "100-continue")
        else { return false }
        if headerHasToken(head.headers, "transfer-encoding", "chunked") { return true }
        return head.headers["content-length"].contains { $0.trimmingWhitespace != "0" }
    }

    /// Whether NIO's decoder (llhttp) treats this request as the start of another protocol and stops parsing the
    /// connection after it: CONNECT, or an `Upgrade` header with a value together with an `upgrade` token in
    /// `Connection` (or `Proxy-Connection`, which llhttp reads as `Connection`). Go ignores both and reads the next
    /// request, so the decoder is replaced after such a request. `HTTPConformanceTests` pins this to the decoder.
    static func stopsDecoder(_ head: HTTPRequestHead) -> Bool {
        if head.method == .CONNECT { return true }
        guard head.headers["upgrade"].contains(where: { !$0.trimmingWhitespace.isEmpty }) else { return false }
        return headerHasToken(head.headers, "connection", "upgrade")
            || headerHasToken(head.headers, "proxy-connection", "upgrade")
    }
}

extension HTTPVersion {
    /// HTTP/1.1 or later: `Host` is required and connections persist unless `Connection: close`.
    var isHTTP11OrLater: Bool { major > 1 || (major == 1 && minor >= 1) }
}

extension StringProtocol {
    /// Without the spaces and tabs around it, as Go's `textproto` reads header values.
    var trimmingWhitespace: SubSequence {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isBlank($0) }), let last = lastIndex(where: { !isBlank($0) }) else {
            return self[endIndex..<endIndex]
        }
        return self[first...last]
    }
}
