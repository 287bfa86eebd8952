import AWSCore
import AWSServices
public import ConfigFile
import FoundationEssentials
import KubernetesAPI
public import Logging
import ResourceTags
public import ScrapePipeline
import ScrapeStatus
import Telemetry

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
    /// are the same; per target (region and credential source), the AWS client when the transport and AWS settings
    /// are, and the tag cache whenever the target stays. The datapoint store and the status board are always kept:
    /// their entries are keyed by rule and target, and those of removed rules and targets are dropped. A replaced
    /// transport is shut down when the last collection on it ends (``AsyncHTTPClientTransport``).
    public func make(config: ExporterConfig, previous: ExporterRuntime?) async throws -> ExporterRuntime {
        let transportSettings = TransportSettings(config)
        let sameTransport = previous?.transportSettings == transportSettings
        let transport = previous.flatMap { sameTransport ? $0.transport : nil } ?? makeTransport(transportSettings)
        // One credential chain and one AssumeRole session per role, whatever the number of regions it runs in.
        let credentials = CredentialSources()
        var clients: [AWSTarget: AWSClient] = [:]
        for target in config.targets {
            if let previous, sameTransport, previous.config.aws == config.aws, let kept = previous.clients[target] {
                clients[target] = kept
            } else {
                clients[target] = try await AWSClient.make(
                    settings: Self.clientSettings(config, target: target),
                    environment: environment,
                    transport: transport,
                    observer: metrics,
                    credentialSources: credentials,
                    logger: logger
                )
            }
        }
        let plan = try ScrapePlan(config: config) { clients[$0]?.region ?? $0.region }
        var services: [TargetServices] = []
        for target in config.targets {
            guard let client = clients[target] else { continue }
            let apis = AWSAPIs(client: client)
            let kept = previous?.collector.services(for: target)?.tagCache
            let tagCache: LoadBalancerTagCache
            if let kept, previous?.clients[target] === client, kept.kinds == plan.loadBalancerKinds[target] ?? [],
                previous?.config.tagLabels.cacheTTLSeconds == config.tagLabels.cacheTTLSeconds,
                previous.map(Self.tagConcurrency) == Self.tagConcurrency(config)
            {
                tagCache = kept
            } else {
                // A cache's APIs and bounds are given once: a reload that changes them builds a new one, which starts
                // from the tags the old one knew.
                tagCache = plan.tagCache(
                    for: target,
                    config: config,
                    apis: apis,
                    initial: kept?.snapshot ?? LoadBalancerTagSnapshot(),
                    metrics: metrics,
                    logger: logger
                )
            }
            services.append(
                TargetServices(
                    target: target,
                    region: client.region,
                    apis: apis,
                    tagCache: tagCache,
                    account: client.account
                )
            )
        }
        let collector = try CloudWatchCollector(
            config: config,
            plan: plan,
            services: services,
            kubernetes: try kubernetesDirectory(config.kubernetes, previous: previous),
            listMetricsCache: ListMetricsCache(),
            store: previous?.collector.store ?? DatapointStore(),
            statusBoard: previous?.collector.statusBoard ?? StatusBoard(),
            metrics: metrics,
            logger: logger
        )
        return ExporterRuntime(
            config: config,
            clients: clients,
            collector: collector,
            transport: transport,
            transportSettings: transportSettings
        )
    }

    /// The Kubernetes API source of `settings`: the previous runtime's when the settings did not change (its
    /// watches and mapping go on), a new one otherwise, none when off.
    /// - Throws: ``KubernetesAccessError`` (file, key, what is wrong) when the kubeconfig or the in-cluster account
    ///   cannot be used: a start-up fails, a reload keeps the running config.
    func kubernetesDirectory(
        _ settings: KubernetesSettings,
        previous: ExporterRuntime?
    ) throws -> KubernetesServiceDirectory? {
        guard settings.enabled else { return nil }
        if let previous, previous.config.kubernetes == settings, let kept = previous.collector.kubernetes {
            return kept
        }
        let access =
            try settings.kubeconfig.map { try KubernetesAccess.kubeconfig(path: $0, context: settings.context) }
            ?? KubernetesAccess.inCluster(environment: environment)
        var kubernetesLogger = logger
        kubernetesLogger[metadataKey: "source"] = "kubernetes"
        return try KubernetesServiceDirectory(
            configuration: KubernetesDirectoryConfiguration(
                access: access,
                serviceLabelAllowlist: Set(settings.serviceLabels),
                watchesTargetGroupBindings: settings.targetGroupBindings
            ),
            logger: kubernetesLogger
        )
    }

    /// The DescribeTags calls a tag refresh has in flight at once: the per-region bound, else the global one.
    private static func tagConcurrency(_ runtime: ExporterRuntime) -> Int { tagConcurrency(runtime.config) }

    private static func tagConcurrency(_ config: ExporterConfig) -> Int {
        config.maxConcurrentRequestsPerRegion ?? config.maxConcurrentRequests
    }

    /// The AWS client settings of a config's target.
    static func clientSettings(_ config: ExporterConfig, target: AWSTarget) -> AWSClientSettings {
        AWSClientSettings(
            region: target.region,
            roleARN: target.roleARN,
            retry: RetryPolicy(
                maxAttempts: config.aws.maxAttempts,
                baseDelay: CheckedTime.duration(seconds: config.aws.retryBaseDelaySeconds),
                maxDelay: CheckedTime.duration(seconds: config.aws.retryMaxDelaySeconds)
            ),
            requestTimeout: CheckedTime.duration(seconds: config.aws.requestTimeoutSeconds)
        )
    }
}
