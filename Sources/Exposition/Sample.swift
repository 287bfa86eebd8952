/// One exposed sample: a full sample name, ordered labels, a value and an optional timestamp.
public struct Sample: Sendable, Equatable {
    /// The full sample name, e.g. `x`, `x_total` or `x_created`.
    public var name: String
    /// Labels in output order.
    public var labels: [(name: String, value: String)]
    /// The sample value.
    public var value: Double
    /// Epoch milliseconds to expose with the sample, or `nil` for none.
    public var timestampMilliseconds: Int64?

    /// Creates a sample.
    public init(
        name: String,
        labels: [(name: String, value: String)] = [],
        value: Double,
        timestampMilliseconds: Int64? = nil
    ) {
        self.name = name
        self.labels = labels
        self.value = value
        self.timestampMilliseconds = timestampMilliseconds
    }

    /// Two samples are equal when name, labels (in order), value and timestamp are equal; NaN equals NaN here, so
    /// tests can compare rendered-to-be samples.
    public static func == (lhs: Sample, rhs: Sample) -> Bool {
        guard lhs.name == rhs.name, lhs.value == rhs.value || (lhs.value.isNaN && rhs.value.isNaN),
            lhs.timestampMilliseconds == rhs.timestampMilliseconds, lhs.labels.count == rhs.labels.count
        else { return false }
        for (left, right) in zip(lhs.labels, rhs.labels) where left.name != right.name || left.value != right.value {
            return false
        }
        return true
    }
}
