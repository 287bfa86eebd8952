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
    /// The one pooled HTTP transport of the process.
    public let transport: any HTTPTransport
    /// The process-wide self metrics.
    public let metrics: SelfMetrics
    /// The logger.
    public let logger: Logger

    /// Creates a factory.
    public init(environment: [String: String], transport: any HTTPTransport, metrics: SelfMetrics, logger: Logger) {
        self.environment = environment
        self.transport = transport
        self.metrics = metrics
        self.logger = logger
    }

    /// Builds the runtime for `config`, reusing `previous`'s AWS client and tag cache when the AWS settings did not
    /// change (upstream ignores region and role changes until restart; we apply them).
    public func make(config: ExporterConfig, previous: ExporterRuntime?) async throws -> ExporterRuntime {
        let client: AWSClient
        let tagCache: LoadBalancerTagCache
        let store: DatapointStore
        let statusBoard: StatusBoard
        if let previous, previous.sharesAWSSettings(with: config) {
            client = previous.client
            tagCache = previous.collector.tagCache
            // Same account and region: the datapoints of rules the reload did not change are still right.
            store = previous.collector.store
            statusBoard = previous.collector.statusBoard
        } else {
            client = try await AWSClient.make(
                settings: Self.clientSettings(config),
                environment: environment,
                transport: transport,
                observer: metrics,
                logger: logger
            )
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
        return ExporterRuntime(config: config, client: client, apis: apis, collector: collector)
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
