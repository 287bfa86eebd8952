public import HummingbirdCore
public import Logging
public import NIOCore

/// Hummingbird's HTTP/1.1 child channel with the connection limits in front and, with a TLS web config, a TLS
/// handler made per connection from the web config's current SSL context.
///
/// Hummingbird's own `TLSChannel` builds one `NIOSSLContext` when the server starts; exporter-toolkit picks up a
/// rotated certificate on the next handshake, so the TLS handler here is made per connection from
/// ``WebConfigStore``, which rebuilds the context only when the files changed.
public struct GuardedHTTPChannel: ServerChildChannel, HTTPChannelHandler {
    public typealias Value = HTTP1Channel.Value

    let base: HTTP1Channel
    let limits: HTTPLimits
    let registry: ConnectionRegistry
    let store: WebConfigStore?

    /// Wraps an HTTP/1 channel answering with `responder`.
    init(responder: @escaping HTTPChannelHandler.Responder, limits: HTTPLimits, store: WebConfigStore?) {
        var decoder = HTTP1Channel.Configuration.DecoderConfiguration()
        decoder.maxHeaderFieldSize = limits.maxHeaderBytes
        decoder.maxHeaderListSize = limits.maxHeaderBytes
        // Hummingbird's idle timeout is left off: it restarts on every byte read, so a slowloris client would never
        // meet it. ConnectionGuard keeps both deadlines instead.
        let configuration = HTTP1Channel.Configuration(
            additionalChannelHandlers: [HTTPActivityHandler()],
            idleTimeout: nil,
            httpDecoderConfiguration: decoder
        )
        self.base = HTTP1Channel(responder: responder, configuration: configuration)
        self.limits = limits
        self.registry = ConnectionRegistry(maxConnections: limits.maxConnections)
        self.store = store
    }

    public var responder: HTTPChannelHandler.Responder { base.responder }

    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            let operations = channel.pipeline.syncOperations
            try operations.addHandler(ConnectionGuard(limits: limits, registry: registry))
            if let store, store.servesTLS {
                switch store.tlsContext() {
                case .success(let tls):
                    try operations.addHandler(tls.makeHandler())
                    if let sans = tls.allowedSANs { try operations.addHandler(ClientSANHandler(allowed: sans)) }
                case .failure:
                    // The store has logged why. Failing the setup would surface as an error on the listening
                    // channel, so the connection is closed instead, as a failed Go handshake closes it.
                    channel.eventLoop.assumeIsolated().execute { channel.close(promise: nil) }
                }
            }
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    public func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 with ``HTTPLimits`` and, when the web config says so, TLS from ``WebConfigStore``.
    static func guarded(limits: HTTPLimits, store: WebConfigStore?) -> HTTPServerBuilder {
        .init { responder in GuardedHTTPChannel(responder: responder, limits: limits, store: store) }
    }
}
