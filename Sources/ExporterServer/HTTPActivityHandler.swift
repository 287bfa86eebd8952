import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Behind the HTTP decoder: tells ``ConnectionGuard`` where requests start and end, and answers a request head the
/// decoder refused (431 when over the header limit, 400 otherwise) instead of dropping the connection wordlessly.
final class HTTPActivityHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private var connectionGuard: ConnectionGuard?
    private var failed = false
    private var closeAfterResponse = false

    init() {}

    func handlerAdded(context: ChannelHandlerContext) {
        connectionGuard = try? context.pipeline.syncOperations.handler(type: ConnectionGuard.self)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        connectionGuard = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !failed else { return }
        switch unwrapInboundIn(data) {
        case .head: connectionGuard?.requestStarted()
        case .body: break
        case .end: connectionGuard?.requestReceived()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head):
            // Hummingbird closes after a request's `Connection: close`, not a response's; the 413 answer says close
            // because the rest of its body will not be read, so the connection must end with it.
            closeAfterResponse = head.headerFields[.connection]?.lowercased() == "close"
        case .body: break
        case .end:
            let connectionGuard = self.connectionGuard
            let close = closeAfterResponse
            let written = promise ?? context.eventLoop.makePromise()
            context.write(data, promise: written)
            written.futureResult.assumeIsolated().whenComplete { _ in
                connectionGuard?.responseSent()
                if close { context.close(promise: nil) }
            }
            return
        }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError, !failed else {
            context.fireErrorCaught(error)
            return
        }
        // The decoder cannot continue after an error; answer once and close, as Go's server does.
        failed = true
        var status = HTTPResponse.Status.badRequest
        if case .headerOverflow = parserError {
            status = HTTPResponse.Status(code: 431, reasonPhrase: "Request Header Fields Too Large")
        }
        var head = HTTPResponse(status: status)
        head.headerFields[.connection] = "close"
        head.headerFields[.contentLength] = "0"
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}
