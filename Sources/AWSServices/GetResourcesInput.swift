/// The parameters of one GetResources page.
public struct GetResourcesInput: Sendable, Hashable {
    /// Resource types such as `elasticloadbalancing:loadbalancer`.
    public var resourceTypeFilters: [String]
    /// Tag filters (ANDed).
    public var tagFilters: [TagFilter]
    /// The token of the page to fetch; nil for the first page.
    public var paginationToken: String?
    /// Page size (1-100).
    public var resourcesPerPage: Int?

    /// Creates a value.
    public init(
        resourceTypeFilters: [String] = [],
        tagFilters: [TagFilter] = [],
        paginationToken: String? = nil,
        resourcesPerPage: Int? = nil
    ) {
        self.resourceTypeFilters = resourceTypeFilters
        self.tagFilters = tagFilters
        self.paginationToken = paginationToken
        self.resourcesPerPage = resourcesPerPage
    }
}
