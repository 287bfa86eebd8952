import AWSCore
import NIOCore
import NIOPosix
import Testing

/// The production transport over real loopback sockets: what is sent arrives, the whole answer comes back, a server
/// that never answers is a timeout, and a cancelled call ends as cancelled.
@Suite struct AsyncHTTPClientTransportSocketTests {
    @Test func aRequestAndItsAnswerRoundTrip() async throws {
        let answer = String(repeating: "0123456789abcdef", count: 20_000)  // 320 KB: several reads
        let server = try await TestHTTPServer.start { _ in .init(status: 203, body: answer) }
        let transport = AsyncHTTPClientTransport()
        let response = try await transport.send(
            HTTPRequest(
                method: "POST",
                url: server.baseURL + "/path?x=1",
                headers: [("X-Amz-Target", "GraniteServiceVersion20100801.ListMetrics")],
                body: Array("{\"a\":1}".utf8)
            ),
            timeout: .seconds(30)
        )
        try await transport.shutdown()
        try await server.stop()
        #expect(response.status == 203)
        #expect(response.body == Array(answer.utf8))
        let received = try #require(server.requests.first)
        #expect(received.method == "POST" && received.uri == "/path?x=1")
        #expect(received.header("x-amz-target") == "GraniteServiceVersion20100801.ListMetrics")
        #expect(received.body == Array("{\"a\":1}".utf8))
    }

    /// A server that accepts connections and never answers.
    static func silentServer() async throws -> (any Channel, Int) {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in channel.eventLoop.makeSucceededVoidFuture() }
            .bind(host: "127.0.0.1", port: 0).get()
        return (channel, channel.localAddress?.port ?? 0)
    }

    @Test func noAnswerBeforeTheTimeoutIsATimeout() async throws {
        let (server, port) = try await Self.silentServer()
        let transport = AsyncHTTPClientTransport()
        let outcome: Result<HTTPResponse, any Error>
        do {
            outcome = .success(
                try await transport.send(
                    HTTPRequest(method: "GET", url: "http://127.0.0.1:\(port)/"),
                    timeout: .milliseconds(200)
                )
            )
        } catch {
            outcome = .failure(error)
        }
        try await transport.shutdown()
        try await server.close()
        guard case .failure(let error) = outcome else {
            Issue.record("a silent server answered")
            return
        }
        #expect((error as? HTTPTransportError)?.kind == .timeout, "\(error)")
    }

    @Test func aCancelledCallEndsAsCancelled() async throws {
        let (server, port) = try await Self.silentServer()
        let transport = AsyncHTTPClientTransport()
        let call = Task {
            try await transport.send(
                HTTPRequest(method: "GET", url: "http://127.0.0.1:\(port)/"),
                timeout: .seconds(600)
            )
        }
        call.cancel()
        let outcome = await call.result
        try await transport.shutdown()
        try await server.close()
        guard case .failure(let error) = outcome else {
            Issue.record("a cancelled call to a silent server answered")
            return
        }
        #expect(error is CancellationError, "\(error)")
    }
}
