/// One ListMetrics page.
public struct ListMetricsOutput: Sendable, Hashable {
    /// The metrics of this page (at most 500).
    public var metrics: [CloudWatchMetric]
    /// The token of the next page; nil on the last page.
    public var nextToken: String?

    /// Creates a value.
    public init(
        metrics: [CloudWatchMetric] = [],
        nextToken: String? = nil
    ) {
        self.metrics = metrics
        self.nextToken = nextToken
    }
}
