import NIOCore
import NIOHTTP1

/// The HTTP/1 connection semantics of Go's `net/http` server, the server of every exporter-toolkit exporter, which
/// kube-proxy, meshes, ingress controllers, blackbox probes and curl are tuned to. It sits right behind NIO's request
/// decoder, where versions and raw header lists are still visible, and in front of the conversion to HTTP types:
///
/// - It keeps or closes the connection as Go does: HTTP/1.0 closes unless `Connection: keep-alive` (answered with
///   `Connection: keep-alive` when the answer's end is known), `Connection: close` is answered with
///   `Connection: close`, and nothing after a closing request is read. Closing half-closes, then closes after Go's
///   500 ms (its RST avoidance delay), so a client still sending is not reset before it reads the answer.
/// - HTTP/1.0 requests get an HTTP/1.0 status line.
/// - It frames every answer itself (NIO's encoder is told not to): the route's `Content-Length`, else chunked on
///   HTTP/1.1 and to the connection's end on HTTP/1.0. An answer to HEAD keeps the GET's `Content-Length` and loses
///   its body.
/// - It refuses, after every answer still owed, what Go refuses before any handler: two `Host` headers, none on
///   HTTP/1.1, a malformed one, a transfer coding other than chunked, an `Expect` other than `100-continue`, and what
///   the decoder cannot parse (see ``HTTP1RequestRules``).
/// - `Expect: 100-continue` with a body is answered without reading the body (no route reads one; Go sends
///   "100 Continue" only when a handler reads) and the connection closes after the answer, as in Go.
/// - `Upgrade` and CONNECT are ignored as Go ignores them: NIO's decoder stops parsing after such a request, so it is
///   replaced by a fresh one, handed the bytes the old one kept, and the connection goes on with HTTP/1.1.
/// - Requests pipelined behind one being answered wait here (with reads paused), so a request that closes the
///   connection is the last one any route sees.
///
/// It also tells ``ConnectionGuard`` where requests begin and end.
final class HTTP1ConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// What answering a request needs to know about it.
    struct Exchange: Equatable {
        var version: HTTPVersion
        var isHEAD: Bool
        /// Go's `Request.wantsClose`: a `close` token, or HTTP/1.0 without `keep-alive`.
        var wantsClose: Bool
        /// HTTP/1.0 with a `keep-alive` token.
        var wantsHTTP10KeepAlive: Bool
        /// The body is not read (`Expect: 100-continue`, or it could not be parsed): the connection cannot carry
        /// another request after the answer.
        var bodyLeftUnread: Bool

        init(_ head: HTTPRequestHead) {
            version = head.version
            isHEAD = head.method == .HEAD
            let close = HTTP1RequestRules.headerHasToken(head.headers, "connection", "close")
            let keepAlive = HTTP1RequestRules.headerHasToken(head.headers, "connection", "keep-alive")
            wantsClose = head.version.isHTTP11OrLater ? close : close || !keepAlive
            wantsHTTP10KeepAlive = !head.version.isHTTP11OrLater && keepAlive
            bodyLeftUnread = HTTP1RequestRules.expectsContinueWithBody(head)
        }

        /// An answer with no request behind it (none is expected): HTTP/1.1, and the connection closes after it.
        static let orphan = Exchange(
            HTTPRequestHead(version: .http1_1, method: .GET, uri: "/", headers: ["connection": "close"])
        )
    }

    /// A request part read ahead while an earlier request is answered, or a parse error behind such parts.
    private enum Held {
        case part(HTTPServerRequestPart)
        case parseError(HTTPParserError)
    }

    private let decoderLimits: NIOHTTPDecoderLimitConfiguration
    private var connectionGuard: ConnectionGuard?
    /// Requests handed on and not yet answered, oldest first.
    private var awaiting = CircularBuffer<Exchange>()
    /// Whether the last request handed on has been read to its end.
    private var requestComplete = true
    private var held = CircularBuffer<Held>()
    private var readWithheld = false
    /// The answer being written: whether its body is dropped (HEAD) and whether the connection closes after it.
    private var answering: (dropBody: Bool, close: Bool)?
    /// Nothing more is read or answered: the connection is closing.
    private var closing = false
    /// The decoder has failed; what it reports after that is noise.
    private var decoderFailed = false
    /// The request being read will stop the decoder at its end (Upgrade, CONNECT).
    private var upgradeRequestOpen = false
    /// Set at the end of such a request, cleared by any later part (which shows the decoder went on after all).
    private var decoderSwapPending = false
    private var linger: Scheduled<Void>?

    /// - Parameter decoderLimits: the limits of the request decoder, for the one that replaces it after an Upgrade.
    init(decoderLimits: NIOHTTPDecoderLimitConfiguration) {
        self.decoderLimits = decoderLimits
    }

    /// The request decoder of the pipeline. Bytes it kept when it stopped at an Upgrade are forwarded when it is
    /// removed, to the decoder that replaces it.
    static func makeDecoder(limits: NIOHTTPDecoderLimitConfiguration) -> ByteToMessageHandler<HTTPRequestDecoder> {
        ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .forwardBytes, limitConfiguration: limits))
    }

    func handlerAdded(context: ChannelHandlerContext) {
        connectionGuard = try? context.pipeline.syncOperations.handler(type: ConnectionGuard.self)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        connectionGuard = nil
        linger?.cancel()
        linger = nil
    }

    // MARK: Requests

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        noteDecoderProgress(part, context: context)
        guard !closing else { return }
        if isHolding {
            held.append(.part(part))
            return
        }
        process(part, context: context)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else {
            // After a parse error the decoder reports every later read as an error of its own.
            if !decoderFailed { context.fireErrorCaught(error) }
            return
        }
        guard !decoderFailed, !closing else { return }
        decoderFailed = true
        if isHolding {
            held.append(.parseError(parserError))
            return
        }
        handleParseError(parserError, context: context)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // The client has finished too: nothing is left to wait for.
        if closing, case ChannelEvent.inputClosed = event {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// Parts of a later request wait while an earlier one is being answered.
    private var isHolding: Bool { !held.isEmpty || (requestComplete && !awaiting.isEmpty) }

    private func process(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        switch part {
        case .head(let head):
            if let refusal = HTTP1RequestRules.refusal(for: head) {
                refuse(refusal, version: head.version, context: context)
                return
            }
            let exchange = Exchange(head)
            awaiting.append(exchange)
            requestComplete = false
            connectionGuard?.requestStarted()
            context.fireChannelRead(wrapInboundOut(.head(head)))
            if exchange.bodyLeftUnread {
                // Handed on without its body, which then waits here and goes when the connection closes.
                endRequest(nil, context: context)
            }
        case .body:
            context.fireChannelRead(wrapInboundOut(part))
        case .end(let trailers):
            endRequest(trailers, context: context)
        }
    }

    private func endRequest(_ trailers: HTTPHeaders?, context: ChannelHandlerContext) {
        requestComplete = true
        context.fireChannelRead(wrapInboundOut(.end(trailers)))
        connectionGuard?.requestReceived()
    }

    private func handleParseError(_ error: HTTPParserError, context: ChannelHandlerContext) {
        guard requestComplete else {
            // The body of the request being read is broken (a bad chunk): Go answers the request, whose handler
            // does not read the body, and closes. So the request ends here and the connection closes after its
            // answer.
            if !awaiting.isEmpty { awaiting[awaiting.index(before: awaiting.endIndex)].bodyLeftUnread = true }
            endRequest(nil, context: context)
            return
        }
        refuse(HTTP1RequestRules.refusal(for: error), version: .http1_1, context: context)
    }

    /// Hands on what was read ahead, once the answer before it is written, up to the next request that must wait.
    private func releaseHeld(context: ChannelHandlerContext) {
        var released = false
        while !closing, !held.isEmpty, !(requestComplete && !awaiting.isEmpty) {
            released = true
            switch held.removeFirst() {
            case .part(let part): process(part, context: context)
            case .parseError(let error): handleParseError(error, context: context)
            }
        }
        // Outside a socket read, nothing else ends the read: Hummingbird's channel hands reads on at their end.
        if released { context.fireChannelReadComplete() }
        if readWithheld, held.isEmpty || closing {
            readWithheld = false
            context.read()
        }
    }

    func read(context: ChannelHandlerContext) {
        // While requests wait here, the socket is not read further: at most one read's worth is ever held.
        if !held.isEmpty, !closing {
            readWithheld = true
            return
        }
        context.read()
    }

    // MARK: Upgrade

    /// Notices a request after which NIO's decoder stops parsing, and replaces the decoder once the read that
    /// carried its end is processed, if nothing was decoded after that end (which would show it did not stop).
    private func noteDecoderProgress(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        decoderSwapPending = false
        switch part {
        case .head(let head): upgradeRequestOpen = HTTP1RequestRules.stopsDecoder(head)
        case .body: break
        case .end:
            guard upgradeRequestOpen else { return }
            upgradeRequestOpen = false
            decoderSwapPending = true
            context.eventLoop.assumeIsolated().execute {
                guard self.decoderSwapPending else { return }
                self.decoderSwapPending = false
                self.replaceDecoder(context: context)
            }
        }
    }

    private func replaceDecoder(context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        let operations = context.pipeline.syncOperations
        do {
            let old = try operations.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            // The new decoder goes right behind the old one, which on removal forwards the bytes it kept to it.
            try operations.addHandler(Self.makeDecoder(limits: decoderLimits), position: .after(old))
            // What the new decoder makes of the kept bytes reaches the routes with the end of this "read".
            let removed = context.eventLoop.makePromise(of: Void.self)
            operations.removeHandler(old, promise: removed)
            removed.futureResult.assumeIsolated().whenSuccess { context.fireChannelReadComplete() }
        } catch {
            context.close(promise: nil)
        }
    }

    // MARK: Answers

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head):
            let code = head.status.code
            if (100..<200).contains(code), code != 101 {
                context.write(data, promise: promise)
                return
            }
            let exchange = awaiting.first ?? .orphan
            let close = Self.frame(&head, for: exchange)
            answering = (dropBody: exchange.isHEAD, close: close)
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .body:
            if answering?.dropBody == true {
                promise?.succeed(())
                return
            }
            context.write(data, promise: promise)
        case .end(let trailers):
            let answer = answering ?? (dropBody: false, close: true)
            answering = nil
            if !awaiting.isEmpty { awaiting.removeFirst() }
            if answer.close {
                closing = true
                held.removeAll()
            }
            let written = promise ?? context.eventLoop.makePromise()
            context.write(wrapOutboundOut(.end(answer.dropBody ? nil : trailers)), promise: written)
            written.futureResult.assumeIsolated().whenComplete { _ in
                self.connectionGuard?.responseSent()
                if answer.close { self.shutDown(context: context) }
            }
            if !answer.close {
                // Deferred: the next request is handed on after this write has left, not from inside it.
                context.eventLoop.assumeIsolated().execute { self.releaseHeld(context: context) }
            }
        }
    }

    /// Sets the status line version, the framing and `Connection` of an answer to `exchange` as Go's
    /// `chunkWriter.writeHeader` does; returns whether the connection closes after it.
    static func frame(_ head: inout HTTPResponseHead, for exchange: Exchange) -> Bool {
        let code = head.status.code
        let bodyAllowed = !((100..<200).contains(code) || code == 204 || code == 304)
        let hasLength = head.headers.contains(name: "content-length")
        var close = false
        if exchange.wantsHTTP10KeepAlive, exchange.isHEAD || hasLength || !bodyAllowed {
            if !head.headers.contains(name: "connection") { head.headers.add(name: "Connection", value: "keep-alive") }
        } else if !exchange.version.isHTTP11OrLater || exchange.wantsClose {
            close = true
        }
        // A route that cannot go on with the connection (413: the rest of the body is not read) says so.
        if head.headers.first(name: "connection")?.lowercased() == "close" { close = true }
        if exchange.bodyLeftUnread { close = true }
        if exchange.isHEAD || !bodyAllowed {
            head.headers.remove(name: "transfer-encoding")
            if !bodyAllowed { head.headers.remove(name: "content-length") }
        } else if hasLength {
            head.headers.remove(name: "transfer-encoding")
        } else if exchange.version.isHTTP11OrLater {
            head.headers.replaceOrAdd(name: "Transfer-Encoding", value: "chunked")
        } else {
            // HTTP/1.0 has no chunks: the body ends with the connection.
            head.headers.remove(name: "transfer-encoding")
            close = true
        }
        if close, !HTTP1RequestRules.headerHasToken(head.headers, "connection", "close") {
            head.headers.remove(name: "connection")
            if exchange.version.isHTTP11OrLater { head.headers.add(name: "Connection", value: "close") }
        }
        head.version = exchange.version.isHTTP11OrLater ? .http1_1 : .http1_0
        return close
    }

    /// Writes Go's answer to a request it refuses before any handler, then closes.
    private func refuse(_ refusal: HTTP1RequestRules.Refusal, version: HTTPVersion, context: ChannelHandlerContext) {
        closing = true
        held.removeAll()
        let status = HTTPResponseStatus(statusCode: refusal.code, reasonPhrase: refusal.statusReason)
        var head: HTTPResponseHead
        var body: ByteBuffer?
        switch refusal.shape {
        case .closeDelimitedText:
            // Go writes these straight to the connection: always "HTTP/1.1", no length, the body ends with it.
            head = HTTPResponseHead(version: .http1_1, status: status)
            head.headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
            head.headers.add(name: "Connection", value: "close")
            body = context.channel.allocator.buffer(string: refusal.body ?? "\(refusal.code) \(refusal.statusReason)")
        case .empty:
            head = HTTPResponseHead(version: version.isHTTP11OrLater ? .http1_1 : .http1_0, status: status)
            head.headers.add(name: "Connection", value: "close")
            head.headers.add(name: "Content-Length", value: "0")
        }
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if let body { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
        written.futureResult.assumeIsolated().whenComplete { _ in self.shutDown(context: context) }
    }

    /// Half-closes (the answer is complete), then closes after Go's 500 ms RST avoidance delay, or sooner when the
    /// client closes its side.
    private func shutDown(context: ChannelHandlerContext) {
        guard linger == nil else { return }
        closing = true
        let channel = context.channel
        let halfClosed = context.eventLoop.makePromise(of: Void.self)
        context.close(mode: .output, promise: halfClosed)
        halfClosed.futureResult.whenFailure { error in
            // Hummingbird half-closes after a request that says `Connection: close` too; then the delay stands.
            if let error = error as? ChannelError, error == .outputClosed { return }
            channel.close(promise: nil)
        }
        linger = context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(500)) {
            channel.close(promise: nil)
        }
        if readWithheld {
            readWithheld = false
            context.read()
        }
    }
}
