import AWSClient
import AWSCore
public import CloudWatchCollector
public import ExporterConfig
import Foundation
public import Logging

/// Builds runtimes from configs: at start-up, on reload, and for one-off scrapes.
public struct RuntimeFactory: Sendable {
    /// The process environment (AWS settings, credentials).
    public let environment: [String: String]
    /// Builds the HTTP transport for a config's connection settings.
    public let makeTransport: @Sendable (TransportSettings) -> any HTTPTransport
    /// The process-wide self metrics.
    public let metrics: SelfMetrics
    /// The logger.
    public let logger: Logger

    /// Creates a factory that builds a transport per connection settings.
    public init(
        environment: [String: String],
        metrics: SelfMetrics,
        logger: Logger,
        makeTransport: @escaping @Sendable (TransportSettings) -> any HTTPTransport
    ) {
        self.environment = environment
        self.makeTransport = makeTransport
        self.metrics = metrics
        self.logger = logger
    }

    /// Creates a factory whose runtimes all send through `transport` (tests).
    public init(environment: [String: String], transport: any HTTPTransport, metrics: SelfMetrics, logger: Logger) {
        self.init(environment: environment, metrics: metrics, logger: logger, makeTransport: { _ in transport })
    }

    /// The production transport for `settings`.
    public static func asyncHTTPClientTransport(_ settings: TransportSettings) -> any HTTPTransport {
        AsyncHTTPClientTransport(
            connectTimeout: CheckedTime.duration(seconds: settings.connectTimeoutSeconds),
            connectionsPerHost: settings.connectionsPerHost
        )
    }

    /// Builds the runtime for `config`, reusing what `previous` has that the reload did not change (upstream
    /// ignores region and role changes until restart; we apply them): the transport when the connection settings
    /// are the same, the AWS client when the transport, region, role and AWS settings are, and the tag cache, the
    /// datapoint store and the status board when the account and region are. A replaced transport is shut down
    /// when the last collection on it ends (``AsyncHTTPClientTransport``).
    public func make(config: ExporterConfig, previous: ExporterRuntime?) async throws -> ExporterRuntime {
        let transportSettings = TransportSettings(config)
        let transport =
            previous.flatMap { $0.transportSettings == transportSettings ? $0.transport : nil }
            ?? makeTransport(transportSettings)
        let client: AWSClient
        if let previous, previous.transportSettings == transportSettings, previous.sharesAccount(with: config),
            previous.config.aws == config.aws
        {
            client = previous.client
        } else {
            client = try await AWSClient.make(
                settings: Self.clientSettings(config),
                environment: environment,
                transport: transport,
                observer: metrics,
                logger: logger
            )
        }
        let tagCache: LoadBalancerTagCache
        let store: DatapointStore
        let statusBoard: StatusBoard
        if let previous, previous.sharesAccount(with: config) {
            tagCache = previous.collector.tagCache
            // Same account and region: the datapoints of rules the reload did not change are still right.
            store = previous.collector.store
            statusBoard = previous.collector.statusBoard
        } else {
            tagCache = LoadBalancerTagCache()
            store = DatapointStore()
            statusBoard = StatusBoard()
        }
        let apis = AWSAPIs(client: client)
        let collector = try CloudWatchCollector(
            config: config,
            apis: apis,
            tagCache: tagCache,
            listMetricsCache: ListMetricsCache(),
            store: store,
            statusBoard: statusBoard,
            metrics: metrics,
            logger: logger
        )
        return ExporterRuntime(
            config: config,
            client: client,
            apis: apis,
            collector: collector,
            transport: transport,
            transportSettings: transportSettings
        )
    }

    /// The AWS client settings of a config.
    static func clientSettings(_ config: ExporterConfig) -> AWSClientSettings {
        AWSClientSettings(
            region: config.region,
            roleARN: config.roleARN,
            retry: RetryPolicy(
                maxAttempts: config.aws.maxAttempts,
                baseDelay: CheckedTime.duration(seconds: config.aws.retryBaseDelaySeconds),
                maxDelay: CheckedTime.duration(seconds: config.aws.retryMaxDelaySeconds)
            ),
            requestTimeout: CheckedTime.duration(seconds: config.aws.requestTimeoutSeconds)
        )
    }
}
