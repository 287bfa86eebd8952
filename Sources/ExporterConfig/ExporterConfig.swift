/// A loaded and validated cloudwatch_exporter configuration, plus this exporter's own keys.
public struct ExporterConfig: Sendable, Equatable {
    /// `region`: the AWS region; `nil` means resolve it from the environment, profile or instance metadata.
    public var region: String?
    /// `role_arn`: a role to assume (session name `cloudwatch_exporter`).
    public var roleARN: String?
    /// `metrics`: the rules, in config order, with globals and tag label settings already applied.
    public var rules: [MetricRule]
    /// Whether the ListMetrics cache is on: the global `list_metrics_cache_ttl` is > 0 or any rule sets it (even 0).
    public var listMetricsCacheEnabled: Bool
    /// The global `list_metrics_cache_ttl` in seconds (0 by default).
    public var globalListMetricsCacheTTL: Int
    /// The top-level `tag_labels` settings (including the global-only `info_metric` and `cache_ttl_seconds`).
    public var tagLabels: TagLabelSettings
    /// `max_concurrent_requests`: how many AWS requests one scrape may have in flight (default 10).
    public var maxConcurrentRequests: Int
    /// Retry and timeout settings for AWS calls.
    public var aws: AWSSettings
    /// `scrape_timeout_margin_seconds`: answer this long before Prometheus' `X-Prometheus-Scrape-Timeout-Seconds`
    /// (default 0.5).
    public var scrapeTimeoutMarginSeconds: Double

    /// Creates a configuration; every parameter defaults to cloudwatch_exporter's (or our) default.
    public init(
        region: String? = nil,
        roleARN: String? = nil,
        rules: [MetricRule] = [],
        listMetricsCacheEnabled: Bool = false,
        globalListMetricsCacheTTL: Int = 0,
        tagLabels: TagLabelSettings = TagLabelSettings(),
        maxConcurrentRequests: Int = 10,
        aws: AWSSettings = AWSSettings(),
        scrapeTimeoutMarginSeconds: Double = 0.5
    ) {
        self.region = region
        self.roleARN = roleARN
        self.rules = rules
        self.listMetricsCacheEnabled = listMetricsCacheEnabled
        self.globalListMetricsCacheTTL = globalListMetricsCacheTTL
        self.tagLabels = tagLabels
        self.maxConcurrentRequests = maxConcurrentRequests
        self.aws = aws
        self.scrapeTimeoutMarginSeconds = scrapeTimeoutMarginSeconds
    }
}
