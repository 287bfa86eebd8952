/// Limits that keep a slow, idle or oversized client from taking the server away from Prometheus.
///
/// Flags: `--web.read-timeout`, `--web.idle-timeout`, `--web.max-connections`, `--web.max-request-body-bytes`.
public struct HTTPLimits: Sendable, Equatable {
    /// A request's head and body must arrive within this time, counted from the connection's accept (TLS handshake
    /// included) or from the first byte after an idle keep-alive pause. A slowloris client is closed after it.
    public var readTimeout: Duration
    /// A keep-alive connection with no request in progress is closed after this long. Longer than Prometheus' usual
    /// scrape intervals would keep its connection open between scrapes, but a connection is cheap to reopen and an
    /// idle one costs a slot.
    public var idleTimeout: Duration
    /// Open connections at most. A new connection beyond it closes the connection that has been waiting longest
    /// without a request in progress (idle or still sending its request), so idle or slow clients cannot lock
    /// Prometheus out; only when every connection has a request in progress is the new one closed instead.
    public var maxConnections: Int
    /// Largest request body accepted (413 beyond). No endpoint reads a body; the bound only stops a client from
    /// streaming one for ever.
    public var maxRequestBodyBytes: Int
    /// Largest request head: one header line, and all of them (431 beyond). NIO's and Hummingbird's 80 KiB default.
    public var maxHeaderBytes: Int

    /// The defaults: 10 s read timeout (Go exporters commonly set `ReadHeaderTimeout` to 10 s), 60 s idle,
    /// 512 connections, 1 MiB body, 80 KiB head.
    public init(
        readTimeout: Duration = .seconds(10),
        idleTimeout: Duration = .seconds(60),
        maxConnections: Int = 512,
        maxRequestBodyBytes: Int = 1 << 20,
        maxHeaderBytes: Int = 80 * 1024
    ) {
        self.readTimeout = readTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
        self.maxRequestBodyBytes = maxRequestBodyBytes
        self.maxHeaderBytes = maxHeaderBytes
    }
}
