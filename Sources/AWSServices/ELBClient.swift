public import AWSCore

/// Classic Elastic Load Balancing: DescribeLoadBalancers (one page) and DescribeTags.
public struct ELBClient: Sendable {
    /// The most names one DescribeTags call accepts.
    public static let maximumNamesPerDescribeTags = 20
    /// The page size asked for when the caller gives none (the API's maximum).
    public static let defaultPageSize = 400

    let caller: AWSServiceCaller

    /// Creates a client from a caller for ``AWSServiceDescriptor/elb``.
    public init(caller: AWSServiceCaller) {
        self.caller = caller
    }

    /// Fetches one page of classic load balancers.
    /// - Parameters:
    ///   - marker: The marker of the page; nil for the first page.
    ///   - pageSize: 1-400; default 400.
    ///   - deadline: No attempt or backoff goes past it.
    /// - Throws: ``AWSError``.
    public func describeLoadBalancers(
        marker: String?,
        pageSize: Int?,
        deadline: ContinuousClock.Instant?
    ) async throws -> ClassicLoadBalancerPage {
        var parameters = QueryParameters()
        parameters.set("PageSize", pageSize ?? Self.defaultPageSize)
        parameters.setIfPresent("Marker", marker)
        let result = try await caller.query(action: "DescribeLoadBalancers", parameters: parameters, deadline: deadline)
        return LoadBalancerQueryCoding.classicPage(result)
    }

    /// The tags of the named load balancers, 20 names per DescribeTags call (duplicates are asked once).
    /// - Returns: Tags by load balancer name, for every load balancer the service described.
    /// - Throws: ``AWSError`` (for example `LoadBalancerNotFound` when a name does not exist).
    public func describeTags(loadBalancerNames: [String], deadline: ContinuousClock.Instant?) async throws -> [String:
        [AWSTag]]
    {
        var tags: [String: [AWSTag]] = [:]
        for batch in LoadBalancerQueryCoding.batches(loadBalancerNames, size: Self.maximumNamesPerDescribeTags) {
            var parameters = QueryParameters()
            parameters.setList("LoadBalancerNames", batch)
            let result = try await caller.query(action: "DescribeTags", parameters: parameters, deadline: deadline)
            tags.merge(LoadBalancerQueryCoding.tagDescriptions(result, key: "LoadBalancerName")) { $1 }
        }
        return tags
    }
}
