public import FoundationEssentials

/// One datapoint to publish with PutMetricData.
public struct MetricDatum: Sendable, Hashable {
    /// The metric name.
    public var metricName: String
    /// The dimensions.
    public var dimensions: [MetricDimension]
    /// When the value was observed.
    public var timestamp: Date
    /// The value.
    public var value: Double
    /// The unit, e.g. `Count`.
    public var unit: String?

    /// Creates a datapoint.
    public init(
        metricName: String,
        dimensions: [MetricDimension] = [],
        timestamp: Date,
        value: Double,
        unit: String? = nil
    ) {
        self.metricName = metricName
        self.dimensions = dimensions
        self.timestamp = timestamp
        self.value = value
        self.unit = unit
    }
}
