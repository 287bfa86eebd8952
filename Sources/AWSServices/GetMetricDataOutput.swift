/// One GetMetricData page.
public struct GetMetricDataOutput: Sendable, Hashable {
    /// The results of this page.
    public var results: [MetricDataResult]
    /// The token of the next page; nil when complete.
    public var nextToken: String?
    /// Messages about the whole call, as `Code: Value`.
    public var messages: [String]

    /// Creates a value.
    public init(
        results: [MetricDataResult] = [],
        nextToken: String? = nil,
        messages: [String] = []
    ) {
        self.results = results
        self.nextToken = nextToken
        self.messages = messages
    }
}
