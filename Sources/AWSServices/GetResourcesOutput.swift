/// One GetResources page.
public struct GetResourcesOutput: Sendable, Hashable {
    /// The resources of this page.
    public var mappings: [ResourceTagMapping]
    /// The token of the next page; nil when the answer held `""` or null.
    public var paginationToken: String?

    /// Creates a value.
    public init(
        mappings: [ResourceTagMapping] = [],
        paginationToken: String? = nil
    ) {
        self.mappings = mappings
        self.paginationToken = paginationToken
    }
}
