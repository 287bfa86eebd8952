/// One entry of `metrics`, with the global defaults already applied.
public struct MetricRule: Sendable, Hashable {
    /// The five standard statistics, in cloudwatch_exporter's default order.
    public static let standardStatistics = ["Sum", "SampleCount", "Minimum", "Maximum", "Average"]

    /// `aws_namespace`, e.g. `AWS/ELB`.
    public var awsNamespace: String
    /// `aws_metric_name`, e.g. `RequestCount`.
    public var awsMetricName: String
    /// `help`: replaces the generated HELP text of every family of this rule.
    public var help: String?
    /// `aws_dimensions`: `nil` when absent (no ListMetrics, one request without dimensions); `[]` is allowed.
    public var awsDimensions: [String]?
    /// `aws_dimension_select`: dimension name → exact allowed values.
    public var dimensionSelect: [String: [String]]?
    /// `aws_dimension_select_regex`: dimension name → regexes, any of which must match the whole value
    /// (validated at load; compile with ``JavaPattern`` with `anchored: true`).
    public var dimensionSelectRegex: [String: [String]]?
    /// `aws_statistics`: all five standard statistics by default, `nil` when only extended statistics are given.
    public var statistics: [String]?
    /// `aws_extended_statistics`, passed through verbatim (e.g. `p95`, `p99.99`, `TM(10%:90%)`).
    public var extendedStatistics: [String]?
    /// `period_seconds` (default: global, 60).
    public var periodSeconds: Int
    /// `range_seconds` (default: global, 600).
    public var rangeSeconds: Int
    /// `delay_seconds` (default: global, 600).
    public var delaySeconds: Int
    /// `settle_seconds` (ours; default: global, else `delay_seconds`): how old a period must be before its value
    /// is final. Fetches also take the settled periods newer than the window, so later scrapes are answered from the
    /// datapoint store; at the default (`delay_seconds`) the output is the same as a fresh fetch's.
    public var settleSeconds: Int?
    /// `set_timestamp` (default: global, true).
    public var setTimestamp: Bool
    /// `use_get_metric_data` (default: global, false).
    public var useGetMetricData: Bool
    /// `warn_on_empty_list_dimensions` (default: global, false).
    public var warnOnEmptyListDimensions: Bool
    /// The rule's own `list_metrics_cache_ttl`, or `nil` when it uses the global TTL.
    public var listMetricsCacheTTL: Int?
    /// `aws_tag_select`.
    public var tagSelect: TagSelect?
    /// The effective tag label settings: the top-level `tag_labels` overridden by the rule's own.
    public var tagLabels: TagLabelSettings
    /// The rule's own `region` (upstream ignores it; here it overrides the top-level `region` and `regions`).
    public var region: String?
    /// The rule's own `role_arn` (upstream ignores it; here it overrides the top-level `role_arn` and `role_arns`).
    public var roleARN: String?

    /// Creates a rule; defaults are cloudwatch_exporter's.
    public init(
        awsNamespace: String,
        awsMetricName: String,
        help: String? = nil,
        awsDimensions: [String]? = nil,
        dimensionSelect: [String: [String]]? = nil,
        dimensionSelectRegex: [String: [String]]? = nil,
        statistics: [String]? = MetricRule.standardStatistics,
        extendedStatistics: [String]? = nil,
        periodSeconds: Int = 60,
        rangeSeconds: Int = 600,
        delaySeconds: Int = 600,
        settleSeconds: Int? = nil,
        setTimestamp: Bool = true,
        useGetMetricData: Bool = false,
        warnOnEmptyListDimensions: Bool = false,
        listMetricsCacheTTL: Int? = nil,
        tagSelect: TagSelect? = nil,
        tagLabels: TagLabelSettings = TagLabelSettings(),
        region: String? = nil,
        roleARN: String? = nil
    ) {
        self.awsNamespace = awsNamespace
        self.awsMetricName = awsMetricName
        self.help = help
        self.awsDimensions = awsDimensions
        self.dimensionSelect = dimensionSelect
        self.dimensionSelectRegex = dimensionSelectRegex
        self.statistics = statistics
        self.extendedStatistics = extendedStatistics
        self.periodSeconds = periodSeconds
        self.rangeSeconds = rangeSeconds
        self.delaySeconds = delaySeconds
        self.settleSeconds = settleSeconds
        self.setTimestamp = setTimestamp
        self.useGetMetricData = useGetMetricData
        self.warnOnEmptyListDimensions = warnOnEmptyListDimensions
        self.listMetricsCacheTTL = listMetricsCacheTTL
        self.tagSelect = tagSelect
        self.tagLabels = tagLabels
        self.region = region
        self.roleARN = roleARN
    }

    /// The settle time in force: `settle_seconds`, never more than `delay_seconds`.
    public var effectiveSettleSeconds: Int { min(settleSeconds ?? delaySeconds, delaySeconds) }
}
