import AsyncCoordination
import NIOCore

/// The first handler of every connection: the read and idle timeouts and the connection cap.
///
/// It sits in front of TLS, so a client that stalls its handshake or its request head (slowloris) runs into the
/// read timeout however slowly it trickles bytes: the deadline is fixed when waiting for a request starts, and
/// arriving bytes do not extend it. ``HTTP1ConnectionHandler``, behind the HTTP decoder, tells it where requests begin
/// and end.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum State {
        /// Waiting for (the rest of) a request, under the read timeout.
        case reading
        /// Requests received and not yet answered.
        case busy(inFlight: Int)
        /// Keep-alive pause between requests, under the idle timeout.
        case idle
        case closed
    }

    private let limits: HTTPLimits
    private let registry: ConnectionRegistry
    private var state = State.reading
    private var timer: Scheduled<Void>?
    private var context: ChannelHandlerContext?

    init(limits: HTTPLimits, registry: ConnectionRegistry) {
        self.limits = limits
        self.registry = registry
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        guard registry.open(context.channel) else {
            state = .closed
            // Deferred: the rest of the pipeline is still being set up, and a channel closed under the setup
            // would fail it, which the listener would see as an error of its own.
            let channel = context.channel
            context.eventLoop.assumeIsolated().execute { channel.close(promise: nil) }
            return
        }
        arm(limits.readTimeout)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stop(context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        stop(context)
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // The first byte after a keep-alive pause starts the next request's read deadline.
        if case .idle = state {
            state = .reading
            arm(limits.readTimeout)
        }
        context.fireChannelRead(data)
    }

    /// A request's head and body have arrived: no deadline while the exporter answers (a scrape may take long, and
    /// Prometheus has its own timeout).
    func requestReceived() {
        switch state {
        case .reading, .idle:
            state = .busy(inFlight: 1)
            cancelTimer()
            if let channel = context?.channel { registry.setBusy(channel, true) }
        case .busy(let inFlight): state = .busy(inFlight: inFlight + 1)
        case .closed: break
        }
    }

    /// A response has been written in full.
    func responseSent() {
        guard case .busy(let inFlight) = state else { return }
        if inFlight > 1 {
            state = .busy(inFlight: inFlight - 1)
            return
        }
        state = .idle
        if let channel = context?.channel { registry.setBusy(channel, false) }
        arm(limits.idleTimeout)
    }

    /// A new request head arrived while idle without raw bytes having been seen (pipelined after a response).
    func requestStarted() {
        if case .idle = state {
            state = .reading
            arm(limits.readTimeout)
        }
    }

    private func arm(_ timeout: Duration) {
        cancelTimer()
        guard let context else { return }
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(timeout.saturatingNanoseconds)) {
            [weak self] in
            guard let self, let context = self.context else { return }
            self.timer = nil
            switch self.state {
            case .reading, .idle: context.close(promise: nil)
            case .busy, .closed: break
            }
        }
    }

    private func cancelTimer() {
        timer?.cancel()
        timer = nil
    }

    private func stop(_ context: ChannelHandlerContext) {
        cancelTimer()
        if case .closed = state {} else { registry.close(context.channel) }
        state = .closed
        self.context = nil
    }
}
