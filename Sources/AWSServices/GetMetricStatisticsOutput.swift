/// A GetMetricStatistics answer.
public struct GetMetricStatisticsOutput: Sendable, Hashable {
    /// The label (usually the metric name).
    public var label: String?
    /// The datapoints, in no particular order.
    public var datapoints: [Datapoint]

    /// Creates a value.
    public init(
        label: String? = nil,
        datapoints: [Datapoint] = []
    ) {
        self.label = label
        self.datapoints = datapoints
    }
}
