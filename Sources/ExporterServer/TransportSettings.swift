public import ConfigFile

/// What the HTTP transport is built with: a reload that changes either builds a new one (AsyncHTTPClient fixes both
/// when its pool is created).
public struct TransportSettings: Sendable, Hashable {
    /// `aws_connect_timeout_seconds`.
    public var connectTimeoutSeconds: Double
    /// Connections per endpoint: `max_concurrent_requests`, so that many calls are really in flight at once.
    public var connectionsPerHost: Int

    /// Creates settings.
    public init(connectTimeoutSeconds: Double, connectionsPerHost: Int) {
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.connectionsPerHost = connectionsPerHost
    }

    /// The settings of a config.
    public init(_ config: ExporterConfig) {
        self.init(
            connectTimeoutSeconds: config.aws.connectTimeoutSeconds,
            connectionsPerHost: config.maxConcurrentRequests
        )
    }
}
