/// A resource and its tags.
public struct ResourceTagMapping: Sendable, Hashable {
    /// The ARN.
    public var resourceARN: String
    /// The tags.
    public var tags: [AWSTag]

    /// Creates a value.
    public init(
        resourceARN: String,
        tags: [AWSTag]
    ) {
        self.resourceARN = resourceARN
        self.tags = tags
    }
}
