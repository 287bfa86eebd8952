import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A tiny HTTP/1.1 server on 127.0.0.1 with an ephemeral port, for tests that need a real socket.
final class TestHTTPServer: Sendable {
    struct Request: Sendable {
        var method: String
        var uri: String
        var headers: [(String, String)]
        var body: [UInt8]

        func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }
    }

    struct Response: Sendable {
        var status: Int
        var body: String
    }

    typealias Handler = @Sendable (Request) -> Response

    let port: Int
    private let channel: any Channel
    private let log: Mutex<[Request]>

    var baseURL: String { "http://127.0.0.1:\(port)" }
    var requests: [Request] { log.withLock { $0 } }

    private init(port: Int, channel: any Channel) {
        self.port = port
        self.channel = channel
        self.log = Mutex([])
    }

    /// Starts a server answering every request with `handler`.
    static func start(_ handler: @escaping Handler) async throws -> TestHTTPServer {
        let recorder = Recorder()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(
                        RequestHandler(respond: handler, record: { recorder.append($0) })
                    )
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        guard let port = channel.localAddress?.port else {
            try await channel.close()
            throw ChannelError.unknownLocalAddress
        }
        let server = TestHTTPServer(port: port, channel: channel)
        recorder.server.withLock { $0 = server }
        return server
    }

    /// Stops listening.
    func stop() async throws {
        try await channel.close()
    }

    fileprivate func record(_ request: Request) {
        log.withLock { $0.append(request) }
    }

    private final class Recorder: Sendable {
        let server = Mutex<TestHTTPServer?>(nil)
        func append(_ request: Request) { server.withLock { $0?.record(request) } }
    }

    private final class RequestHandler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        private let respond: Handler
        private let record: @Sendable (Request) -> Void
        private var head: HTTPRequestHead?
        private var body: [UInt8] = []

        init(respond: @escaping Handler, record: @escaping @Sendable (Request) -> Void) {
            self.respond = respond
            self.record = record
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body = []
            case .body(var buffer):
                body += buffer.readBytes(length: buffer.readableBytes) ?? []
            case .end:
                guard let head else { return }
                let request = Request(
                    method: head.method.rawValue,
                    uri: head.uri,
                    headers: head.headers.map { ($0.name, $0.value) },
                    body: body
                )
                record(request)
                let response = respond(request)
                var headers = HTTPHeaders()
                headers.add(name: "Content-Length", value: "\(response.body.utf8.count)")
                headers.add(name: "Content-Type", value: "application/json")
                if !head.isKeepAlive { headers.add(name: "Connection", value: "close") }
                let responseHead = HTTPResponseHead(
                    version: head.version,
                    status: HTTPResponseStatus(statusCode: response.status),
                    headers: headers
                )
                context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
                context.write(
                    wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: response.body)))),
                    promise: nil
                )
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                if !head.isKeepAlive { context.close(promise: nil) }
                self.head = nil
            }
        }
    }
}
