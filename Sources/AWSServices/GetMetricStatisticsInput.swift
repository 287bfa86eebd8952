public import FoundationEssentials

/// The parameters of a GetMetricStatistics call.
public struct GetMetricStatisticsInput: Sendable, Hashable {
    /// The namespace.
    public var namespace: String
    /// The metric name.
    public var metricName: String
    /// The exact dimensions of the metric.
    public var dimensions: [MetricDimension]
    /// The start of the window (inclusive).
    public var startTime: Date
    /// The end of the window (exclusive).
    public var endTime: Date
    /// The period in seconds.
    public var period: Int
    /// Statistics such as `Average` and `Sum`.
    public var statistics: [String]?
    /// Percentiles such as `p99`.
    public var extendedStatistics: [String]?

    /// Creates a value.
    public init(
        namespace: String,
        metricName: String,
        dimensions: [MetricDimension] = [],
        startTime: Date,
        endTime: Date,
        period: Int,
        statistics: [String]? = nil,
        extendedStatistics: [String]? = nil
    ) {
        self.namespace = namespace
        self.metricName = metricName
        self.dimensions = dimensions
        self.startTime = startTime
        self.endTime = endTime
        self.period = period
        self.statistics = statistics
        self.extendedStatistics = extendedStatistics
    }
}
