public import AWSClient
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

    /// Bundles a runtime.
    public init(config: ExporterConfig, client: AWSClient, apis: AWSAPIs, collector: CloudWatchCollector) {
        self.config = config
        self.client = client
        self.apis = apis
        self.collector = collector
    }

    /// Whether `other` can reuse this runtime's AWS client and tag cache: same region, role and client settings.
    func sharesAWSSettings(with other: ExporterConfig) -> Bool {
        config.region == other.region && config.roleARN == other.roleARN && config.aws == other.aws
    }
}
