public import FoundationEssentials

/// The parameters of one GetMetricData page (results are newest first).
public struct GetMetricDataInput: Sendable, Hashable {
    /// The queries, at most 500 (enforced).
    public var queries: [MetricDataQuery]
    /// The start of the window.
    public var startTime: Date
    /// The end of the window.
    public var endTime: Date
    /// The token of the page to fetch; nil for the first page.
    public var nextToken: String?

    /// Creates a value.
    public init(
        queries: [MetricDataQuery],
        startTime: Date,
        endTime: Date,
        nextToken: String? = nil
    ) {
        self.queries = queries
        self.startTime = startTime
        self.endTime = endTime
        self.nextToken = nextToken
    }
}
