import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import ExporterServer

/// The pieces of Go's HTTP semantics that can be pinned without a socket; tests/integration/test_http_conformance.py
/// compares the whole server with a Go exporter.
@Suite struct HTTPConformanceTests {
    static let second = "GET /second HTTP/1.1\r\nHost: x\r\n\r\n"

    /// The request heads NIO's decoder produces from `bytes`, and whether it then failed (it goes on parsing after
    /// a request unless it stopped; `Connection: close` makes what follows an error).
    static func decode(_ bytes: String) -> (heads: [HTTPRequestHead], failed: Bool) {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(HTTPRequestDecoder()))
        defer { _ = try? channel.finish() }
        var failed = false
        do { try channel.writeInbound(ByteBuffer(string: bytes)) } catch { failed = true }
        var heads: [HTTPRequestHead] = []
        while let part = try? channel.readInbound(as: HTTPServerRequestPart.self) {
            if case .head(let head) = part { heads.append(head) }
        }
        return (heads, failed)
    }

    static func decodedHeads(_ bytes: String) -> [HTTPRequestHead] { decode(bytes).heads }

    /// ``HTTP1RequestRules/stopsDecoder(_:)`` says exactly when NIO's decoder stops after a request: a wrong "yes"
    /// would replace a decoder in the middle of the next request, a wrong "no" would leave it stuck.
    @Test(arguments: [
        "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n",
        "Connection: upgrade\r\nUpgrade: websocket\r\n",
        "Connection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n",
        "connection: UPGRADE\r\nupgrade: x\r\n",
        "Upgrade: h2c\r\nConnection: Upgrade\r\n",
        "Upgrade: h2c\r\n",
        "Connection: Upgrade\r\n",
        "Connection: upgraded\r\nUpgrade: h2c\r\n",
        "Connection: close\r\nUpgrade: h2c\r\n",
        "Proxy-Connection: upgrade\r\nUpgrade: h2c\r\n",
        "Connection: Upgrade\r\nUpgrade:\r\n",
        "Connection: Upgrade\r\nUpgrade:   \r\n",
        "Connection: Upgrade\r\nUpgrade:  h2c \r\n",
        "Connection: Upgrade\r\nUpgrade: h2c\r\nContent-Length: 3\r\n\r\nabc",
        "X-Upgrade: h2c\r\nConnection: Upgrade\r\n",
        "",
    ])
    func upgradeRuleMatchesTheDecoder(headers: String) throws {
        let first = "GET / HTTP/1.1\r\nHost: x\r\n" + (headers.contains("\r\n\r\n") ? headers : headers + "\r\n")
        let (heads, failed) = Self.decode(first + Self.second)
        let firstHead = try #require(heads.first)
        let decoderStopped = heads.count == 1 && !failed
        #expect(HTTP1RequestRules.stopsDecoder(firstHead) == decoderStopped, "\(headers.debugDescription)")
    }

    @Test func connectStopsTheDecoder() throws {
        let heads = Self.decodedHeads("CONNECT example:443 HTTP/1.1\r\nHost: example:443\r\n\r\n" + Self.second)
        #expect(heads.count == 1)
        #expect(HTTP1RequestRules.stopsDecoder(try #require(heads.first)))
    }

    /// After an Upgrade request the connection handler replaces the stopped decoder, and the request behind it is
    /// decoded and handed on once the first one is answered.
    @Test func theRequestAfterAnUpgradeIsRead() throws {
        let limits = NIOHTTPDecoderLimitConfiguration()
        let channel = EmbeddedChannel()
        defer { _ = try? channel.finish() }
        try channel.pipeline.syncOperations.addHandlers([
            HTTP1ConnectionHandler.makeDecoder(limits: limits), HTTP1ConnectionHandler(decoderLimits: limits),
        ])
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        let upgrade = "GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n\r\n"
        try channel.writeInbound(ByteBuffer(string: upgrade + Self.second))
        channel.embeddedEventLoop.run()
        var uris: [String] = []
        while let part = try channel.readInbound(as: HTTPServerRequestPart.self) {
            if case .head(let head) = part { uris.append(head.uri) }
        }
        #expect(uris == ["/"])
        var head = HTTPResponseHead(version: .http1_1, status: .ok)
        head.headers.add(name: "Content-Length", value: "0")
        try channel.writeOutbound(HTTPServerResponsePart.head(head))
        try channel.writeOutbound(HTTPServerResponsePart.end(nil))
        channel.embeddedEventLoop.run()
        while let part = try channel.readInbound(as: HTTPServerRequestPart.self) {
            if case .head(let head) = part { uris.append(head.uri) }
        }
        #expect(uris == ["/", "/second"])
    }

    static func exchange(_ request: String) throws -> HTTP1ConnectionHandler.Exchange {
        HTTP1ConnectionHandler.Exchange(try #require(decodedHeads(request).first))
    }

    static func framed(_ request: String, status: HTTPResponseStatus = .ok, length: Int? = 2) throws -> (
        HTTPResponseHead, Bool
    ) {
        var head = HTTPResponseHead(version: .http1_1, status: status)
        if let length { head.headers.add(name: "Content-Length", value: "\(length)") }
        let close = HTTP1ConnectionHandler.frame(&head, for: try exchange(request))
        return (head, close)
    }

    /// Go's `chunkWriter.writeHeader`: status line version, `Connection`, framing, and whether the connection ends.
    @Test func framingAndKeepAliveAsGo() throws {
        var (head, close) = try Self.framed("GET / HTTP/1.0\r\n\r\n")
        #expect(head.version == .http1_0 && close && head.headers["connection"].isEmpty)

        (head, close) = try Self.framed("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")
        #expect(head.version == .http1_0 && !close && head.headers["connection"] == ["keep-alive"])

        (head, close) = try Self.framed("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", length: nil)
        #expect(close && head.headers["connection"].isEmpty && head.headers["transfer-encoding"].isEmpty)

        (head, close) = try Self.framed("HEAD /metrics HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", length: nil)
        #expect(!close && head.headers["connection"] == ["keep-alive"])

        (head, close) = try Self.framed("GET / HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, Close\r\n\r\n")
        #expect(head.version == .http1_1 && close && head.headers["connection"] == ["close"])

        (head, close) = try Self.framed("GET / HTTP/1.1\r\nHost: x\r\n\r\n", length: nil)
        #expect(!close && head.headers["transfer-encoding"] == ["chunked"])

        (head, close) = try Self.framed("HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n", length: nil)
        #expect(!close && head.headers["transfer-encoding"].isEmpty && head.headers["content-length"].isEmpty)

        (head, close) = try Self.framed("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n", length: 150)
        #expect(!close && head.headers["content-length"] == ["150"])

        let expect = "POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"
        (head, close) = try Self.framed(expect)
        #expect(close && head.headers["connection"] == ["close"])

        (head, close) = try Self.framed("GET / HTTP/1.1\r\nHost: x\r\n\r\n", status: .noContent)
        #expect(!close && head.headers["content-length"].isEmpty)
    }

    @Test func refusalsAsGo() throws {
        func refusal(_ request: String) throws -> HTTP1RequestRules.Refusal? {
            HTTP1RequestRules.refusal(for: try #require(Self.decodedHeads(request).first))
        }
        #expect(try refusal("GET / HTTP/1.1\r\n\r\n")?.statusReason == "Bad Request: missing required Host header")
        #expect(try refusal("GET / HTTP/1.0\r\n\r\n") == nil)
        #expect(try refusal("CONNECT a:1 HTTP/1.1\r\n\r\n") == nil)
        #expect(try refusal("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n")?.code == 400)
        #expect(
            try refusal("GET / HTTP/1.1\r\nHost: a b\r\n\r\n")?.statusReason == "Bad Request: malformed Host header"
        )
        #expect(try refusal("GET / HTTP/1.1\r\nHost:\r\n\r\n") == nil)
        #expect(try refusal("GET / HTTP/1.1\r\nHost: [::1]:9100\r\n\r\n") == nil)
        #expect(try refusal("GET / HTTP/1.1\r\nHost: x\r\nExpect: foo\r\n\r\n")?.code == 417)
        #expect(try refusal("GET / HTTP/1.1\r\nHost: x\r\nExpect: 100-Continue\r\n\r\n") == nil)
        let gzip = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n"
        #expect(try refusal(gzip)?.code == 501)
        for host in ["u@h", "<x>", "a\u{7F}", "ä"] { #expect(!HTTP1RequestRules.isValidHost(host), "\(host)") }
        for host in ["example.com:9100", "[fe80::1%25eth0]:9100", "a_b-c~d", ""] {
            #expect(HTTP1RequestRules.isValidHost(host), "\(host)")
        }
    }

    @Test func pathsAsServeMux() {
        let cases = [
            ("/metrics", "/metrics"), ("//metrics", "/metrics"), ("/./metrics", "/metrics"),
            ("/a/../metrics", "/metrics"), ("/../metrics", "/metrics"), ("/a/", "/a/"), ("", "/"),
            ("metrics", "/metrics"),
            ("/a//", "/a/"),
        ]
        for (path, clean) in cases { #expect(ServeMuxPaths.cleanPath(path) == clean, "\(path)") }
        #expect(ServeMuxPaths.percentDecoded("/%6Detrics") == "/metrics")
        #expect(ServeMuxPaths.percentDecoded("/%ZZ") == nil)
        #expect(ServeMuxPaths.percentDecoded("/%FF") == nil)
        #expect(ServeMuxPaths.percentEncoded("/a b/ü") == "/a%20b/%C3%BC")
    }

    /// A config path pointing at a key file: the YAML is one long string, and the reply quotes only its start.
    @Test func configErrorsAreQuotedAsExcerpts() {
        let key =
            "-----BEGIN PRIVATE KEY----- MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7 -----END PRIVATE KEY-----"
        let error = "/etc/key.pem:1:1: $: expected a mapping (key: value lines), got the string \"\(key)\""
        let excerpt = ConfigExcerpt.of(error)
        #expect(!excerpt.contains("MIIEvQ"))
        #expect(excerpt.hasPrefix("/etc/key.pem:1:1: $: expected a mapping"))
        let unclosed = ConfigExcerpt.of("x: got \"" + String(repeating: "s", count: 500))
        #expect(unclosed.count < 60)
        let many = ConfigExcerpt.of((1...50).map { "line \($0)" }.joined(separator: "\n"))
        #expect(many.split(separator: "\n").count == 21)
    }
}
