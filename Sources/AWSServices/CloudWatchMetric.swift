/// A CloudWatch metric: namespace, name and dimensions.
public struct CloudWatchMetric: Sendable, Hashable {
    /// The namespace, e.g. `AWS/ELB`.
    public var namespace: String
    /// The metric name, e.g. `RequestCount`.
    public var metricName: String
    /// The dimensions, in the order CloudWatch returned them.
    public var dimensions: [MetricDimension]

    /// Creates a value.
    public init(
        namespace: String,
        metricName: String,
        dimensions: [MetricDimension] = []
    ) {
        self.namespace = namespace
        self.metricName = metricName
        self.dimensions = dimensions
    }
}
