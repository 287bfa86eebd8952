public import HummingbirdCore
public import Logging
public import NIOCore
import NIOHTTP1
public import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// The HTTP/1.1 child channel: Hummingbird's request handling over a pipeline with the connection limits in front,
/// Go's HTTP/1 connection semantics (``HTTP1ConnectionHandler``) and, with a TLS web config, a TLS handler made per
/// connection from the web config's current SSL context.
///
/// Hummingbird's own `TLSChannel` builds one `NIOSSLContext` when the server starts; exporter-toolkit picks up a
/// rotated certificate on the next handshake, so the TLS handler here is made per connection from
/// ``WebConfigStore``, which rebuilds the context only when the files changed.
public struct GuardedHTTPChannel: ServerChildChannel, HTTPChannelHandler {
    public typealias Value = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

    public let responder: HTTPChannelHandler.Responder
    let limits: HTTPLimits
    let registry: ConnectionRegistry
    let store: WebConfigStore?

    /// An HTTP/1.1 channel answering with `responder`.
    init(responder: @escaping HTTPChannelHandler.Responder, limits: HTTPLimits, store: WebConfigStore?) {
        self.responder = responder
        self.limits = limits
        self.registry = ConnectionRegistry(maxConnections: limits.maxConnections)
        self.store = store
    }

    /// The pipeline, front to back: ``ConnectionGuard``; with TLS, ``PlainHTTPOnTLSPortHandler``, the TLS handler
    /// and ``ClientSANHandler``; NIO's response encoder (framing left to ``HTTP1ConnectionHandler``) and request
    /// decoder; ``HTTP1ConnectionHandler``; the conversion to HTTP types; Hummingbird's connection state handler.
    ///
    /// Hummingbird's `HTTP1Channel` builds the same pipeline without the connection handler, and with its idle
    /// timeout, which restarts on every byte read (a slowloris client would never meet it); ``ConnectionGuard`` keeps
    /// both deadlines instead.
    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            let operations = channel.pipeline.syncOperations
            try operations.addHandler(ConnectionGuard(limits: limits, registry: registry))
            if let store, store.servesTLS {
                switch store.tlsContext() {
                case .success(let tls):
                    try operations.addHandler(PlainHTTPOnTLSPortHandler())
                    try operations.addHandler(tls.makeHandler())
                    if let sans = tls.allowedSANs { try operations.addHandler(ClientSANHandler(allowed: sans)) }
                case .failure:
                    // The store has logged why. Failing the setup would surface as an error on the listening
                    // channel, so the connection is closed instead, as a failed Go handshake closes it.
                    channel.eventLoop.assumeIsolated().execute { channel.close(promise: nil) }
                }
            }
            var decoderLimits = NIOHTTPDecoderLimitConfiguration()
            decoderLimits.maxHeaderFieldSize = limits.maxHeaderBytes
            decoderLimits.maxHeaderListSize = limits.maxHeaderBytes
            var encoder = HTTPResponseEncoder.Configuration()
            encoder.automaticallySetFramingHeaders = false
            try operations.addHandler(HTTPResponseEncoder(configuration: encoder))
            try operations.addHandler(HTTP1ConnectionHandler.makeDecoder(limits: decoderLimits))
            try operations.addHandler(HTTP1ConnectionHandler(decoderLimits: decoderLimits))
            try operations.addHandler(HTTP1ToHTTPServerCodec(secure: store?.servesTLS ?? false))
            try operations.addHandler(HTTPConnectionStateHandler(idleTimeout: nil, logger: logger))
            return try NIOAsyncChannel(
                wrappingChannelSynchronously: channel,
                configuration: .init(isOutboundHalfClosureEnabled: true)
            )
        }
    }

    public func handle(value: Value, logger: Logger) async {
        await handleHTTP(asyncChannel: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 with ``HTTPLimits`` and, when the web config says so, TLS from ``WebConfigStore``.
    static func guarded(limits: HTTPLimits, store: WebConfigStore?) -> HTTPServerBuilder {
        .init { responder in GuardedHTTPChannel(responder: responder, limits: limits, store: store) }
    }
}
