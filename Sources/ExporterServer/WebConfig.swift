/// The Prometheus exporter-toolkit web configuration (`--web.config.file`): TLS, basic auth, response headers and
/// a rate limit.
///
/// The key names and their meaning are exporter-toolkit's (`docs/web-configuration.md`), so one file serves
/// node_exporter, Prometheus and this exporter alike. ``WebConfigParser`` builds it from YAML and rejects what is
/// invalid or what this exporter cannot honour; nothing is ignored silently.
public struct WebConfig: Sendable, Equatable {
    /// `tls_server_config`; `nil` when none of its TLS keys is set, in which case the server speaks plain HTTP
    /// (exporter-toolkit's `IsEnabled`).
    public var tls: WebTLSConfig?
    /// `http_server_config.http2` (default `true`). Accepted for compatibility; the server speaks HTTP/1.1 only, which
    /// every client falls back to through ALPN.
    public var http2: Bool
    /// `http_server_config.headers`: extra headers on every response, restricted to exporter-toolkit's list.
    public var headers: [String: String]
    /// `basic_auth_users`: user name to bcrypt hash. Empty means no authentication.
    public var users: [String: String]
    /// `rate_limit`; `nil` when absent or with a zero interval (no limit).
    public var rateLimit: RateLimit?

    /// `rate_limit`: at most one request per `interval` on average, `burst` at once (Go's `rate.Limiter`).
    public struct RateLimit: Sendable, Equatable {
        /// `interval`: a Go duration such as `100ms`.
        public var interval: Duration
        /// `burst`: requests allowed at once.
        public var burst: Int

        /// A rate limit.
        public init(interval: Duration, burst: Int) {
            self.interval = interval
            self.burst = burst
        }
    }

    /// A configuration with exporter-toolkit's defaults: no TLS, no users, no headers, HTTP/2 allowed.
    public init(
        tls: WebTLSConfig? = nil,
        http2: Bool = true,
        headers: [String: String] = [:],
        users: [String: String] = [:],
        rateLimit: RateLimit? = nil
    ) {
        self.tls = tls
        self.http2 = http2
        self.headers = headers
        self.users = users
        self.rateLimit = rateLimit
    }

    /// The headers exporter-toolkit lets a web config set, with the values allowed where the header is an
    /// enumeration (an empty list allows any value). Private to the toolkit "to ensure consistency in the Prometheus
    /// ecosystem", so the same list here.
    public static let allowedHeaders: [String: [String]] = [
        "Strict-Transport-Security": [],
        "X-Content-Type-Options": ["nosniff"],
        "X-Frame-Options": ["deny", "sameorigin"],
        "X-XSS-Protection": [],
        "Content-Security-Policy": [],
    ]
}
