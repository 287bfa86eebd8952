/// One GetMetricData query: a metric, a period and a statistic.
public struct MetricDataQuery: Sendable, Hashable {
    /// The query id: letters, digits and `_`, starting with a lower-case letter; unique in a call.
    public var id: String
    /// The metric.
    public var metric: CloudWatchMetric
    /// The period in seconds.
    public var period: Int
    /// The statistic, e.g. `Sum` or `p99`.
    public var stat: String
    /// A label echoed in the result.
    public var label: String?

    /// Creates a value.
    public init(
        id: String,
        metric: CloudWatchMetric,
        period: Int,
        stat: String,
        label: String? = nil
    ) {
        self.id = id
        self.metric = metric
        self.period = period
        self.stat = stat
        self.label = label
    }
}
