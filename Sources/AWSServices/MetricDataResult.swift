public import FoundationEssentials

/// The result of one GetMetricData query.
public struct MetricDataResult: Sendable, Hashable {
    /// The query id.
    public var id: String
    /// The label.
    public var label: String?
    /// The timestamps; `values[i]` belongs to `timestamps[i]`.
    public var timestamps: [Date]
    /// The values.
    public var values: [Double]
    /// `Complete`, `PartialData`, `InternalError` or `Forbidden`.
    public var statusCode: String
    /// Messages about this result, as `Code: Value`.
    public var messages: [String]

    /// Creates a value.
    public init(
        id: String,
        label: String? = nil,
        timestamps: [Date] = [],
        values: [Double] = [],
        statusCode: String = "Complete",
        messages: [String] = []
    ) {
        self.id = id
        self.label = label
        self.timestamps = timestamps
        self.values = values
        self.statusCode = statusCode
        self.messages = messages
    }
}
