/// A resource tag.
public struct AWSTag: Sendable, Hashable {
    /// The key.
    public var key: String
    /// The value (may be empty).
    public var value: String

    /// Creates a value.
    public init(
        key: String,
        value: String
    ) {
        self.key = key
        self.value = value
    }
}
