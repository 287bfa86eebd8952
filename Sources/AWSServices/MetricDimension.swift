/// A CloudWatch dimension: a name and its value.
public struct MetricDimension: Sendable, Hashable {
    /// The dimension name, e.g. `LoadBalancerName`.
    public var name: String
    /// The dimension value.
    public var value: String

    /// Creates a value.
    public init(
        name: String,
        value: String
    ) {
        self.name = name
        self.value = value
    }
}
