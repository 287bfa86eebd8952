/// The parameters of one ListMetrics page.
public struct ListMetricsInput: Sendable, Hashable {
    /// The namespace to list.
    public var namespace: String
    /// Only this metric name, when given.
    public var metricName: String?
    /// Dimension filters (at most 10).
    public var dimensions: [DimensionFilter]
    /// Only metrics with data in the last 3 hours (`RecentlyActive=PT3H`).
    public var recentlyActive: Bool
    /// The token of the page to fetch; nil for the first page.
    public var nextToken: String?

    /// Creates a value.
    public init(
        namespace: String,
        metricName: String? = nil,
        dimensions: [DimensionFilter] = [],
        recentlyActive: Bool = false,
        nextToken: String? = nil
    ) {
        self.namespace = namespace
        self.metricName = metricName
        self.dimensions = dimensions
        self.recentlyActive = recentlyActive
        self.nextToken = nextToken
    }
}
