public import AWSClient
public import AWSCore
public import CloudWatchCollector
public import ExporterConfig

/// Everything one loaded config runs with: the config, its AWS client and its collector. A reload builds a new one
/// and swaps it in whole; scrapes already running finish on the old one.
public final class ExporterRuntime: Sendable {
    /// The config.
    public let config: ExporterConfig
    /// The AWS client (reused by a reload that keeps region, role and AWS settings).
    public let client: AWSClient
    /// The APIs the collector calls.
    public let apis: AWSAPIs
    /// The collector.
    public let collector: CloudWatchCollector
    /// The HTTP transport the client sends through, and the settings it was built with.
    public let transport: any HTTPTransport
    public let transportSettings: TransportSettings

    /// Bundles a runtime.
    public init(
        config: ExporterConfig,
        client: AWSClient,
        apis: AWSAPIs,
        collector: CloudWatchCollector,
        transport: any HTTPTransport,
        transportSettings: TransportSettings
    ) {
        self.config = config
        self.client = client
        self.apis = apis
        self.collector = collector
        self.transport = transport
        self.transportSettings = transportSettings
    }

    /// Whether `other` talks to the same AWS account and region: then the tag cache, the datapoint store and the
    /// status board stay right across the reload.
    func sharesAccount(with other: ExporterConfig) -> Bool {
        config.region == other.region && config.roleARN == other.roleARN
    }
}
