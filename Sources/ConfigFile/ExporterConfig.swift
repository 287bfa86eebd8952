/// A loaded and validated cloudwatch_exporter configuration, plus this exporter's own keys.
public struct ExporterConfig: Sendable, Equatable {
    /// `region`: the AWS region; `nil` means resolve it from the environment, profile or instance metadata.
    public var region: String?
    /// `role_arn`: a role to assume (session name `cloudwatch_exporter`).
    public var roleARN: String?
    /// `regions`: every rule without a `region` of its own runs in each of these (exclusive with `region`).
    public var regions: [String]
    /// `role_arns`: every rule without a `role_arn` of its own runs under each of these (exclusive with `role_arn`).
    public var roleARNs: [String]
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
    /// `max_concurrent_requests_per_region`: how many of those may go to one region and account at once (CloudWatch
    /// throttles per account and region); `nil` means `maxConcurrentRequests`.
    public var maxConcurrentRequestsPerRegion: Int?
    /// Retry and timeout settings for AWS calls.
    public var aws: AWSSettings
    /// `scrape_timeout_margin_seconds`: answer this long before Prometheus' `X-Prometheus-Scrape-Timeout-Seconds`
    /// (default 0.5).
    public var scrapeTimeoutMarginSeconds: Double
    /// `kubernetes`: the Kubernetes API as a source of Services (off by default).
    public var kubernetes = KubernetesSettings()

    /// Creates a configuration; every parameter defaults to cloudwatch_exporter's (or our) default.
    public init(
        region: String? = nil,
        roleARN: String? = nil,
        regions: [String] = [],
        roleARNs: [String] = [],
        rules: [MetricRule] = [],
        listMetricsCacheEnabled: Bool = false,
        globalListMetricsCacheTTL: Int = 0,
        tagLabels: TagLabelSettings = TagLabelSettings(),
        maxConcurrentRequests: Int = 10,
        maxConcurrentRequestsPerRegion: Int? = nil,
        aws: AWSSettings = AWSSettings(),
        scrapeTimeoutMarginSeconds: Double = 0.5
    ) {
        self.region = region
        self.roleARN = roleARN
        self.regions = regions
        self.roleARNs = roleARNs
        self.rules = rules
        self.listMetricsCacheEnabled = listMetricsCacheEnabled
        self.globalListMetricsCacheTTL = globalListMetricsCacheTTL
        self.tagLabels = tagLabels
        self.maxConcurrentRequests = maxConcurrentRequests
        self.maxConcurrentRequestsPerRegion = maxConcurrentRequestsPerRegion
        self.aws = aws
        self.scrapeTimeoutMarginSeconds = scrapeTimeoutMarginSeconds
    }

    /// Where `rule` runs: its own `region` or else each of `regions` (else `region`), crossed with its own `role_arn`
    /// or else each of `role_arns` (else `role_arn`); regions vary slowest.
    public func targets(of rule: MetricRule) -> [AWSTarget] {
        let ruleRegions: [String?] =
            if let own = rule.region { [own] } else if regions.isEmpty { [region] } else { regions.map { $0 } }
        let roles: [String?] =
            if let own = rule.roleARN { [own] } else if roleARNs.isEmpty { [roleARN] } else { roleARNs.map { $0 } }
        return ruleRegions.flatMap { region in roles.map { AWSTarget(region: region, roleARN: $0) } }
    }

    /// Every target of every rule, each once, in config order; a config without rules has the top-level one.
    public var targets: [AWSTarget] {
        var seen: Set<AWSTarget> = []
        let all = rules.flatMap(targets(of:)).filter { seen.insert($0).inserted }
        return all.isEmpty ? [AWSTarget(region: regions.first ?? region, roleARN: roleARNs.first ?? roleARN)] : all
    }
}
