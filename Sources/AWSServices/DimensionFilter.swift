/// A ListMetrics dimension filter: metrics must have the named dimension, with this value when given.
public struct DimensionFilter: Sendable, Hashable {
    /// The dimension name.
    public var name: String
    /// The required value; nil matches any value.
    public var value: String?

    /// Creates a value.
    public init(
        name: String,
        value: String? = nil
    ) {
        self.name = name
        self.value = value
    }
}
