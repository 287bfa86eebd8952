/// A GetResources tag filter: the key, and any of the values (all values when empty).
public struct TagFilter: Sendable, Hashable {
    /// The tag key.
    public var key: String
    /// Accepted values; empty accepts any value.
    public var values: [String]

    /// Creates a value.
    public init(
        key: String,
        values: [String] = []
    ) {
        self.key = key
        self.values = values
    }
}
