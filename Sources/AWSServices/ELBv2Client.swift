public import AWSCore

/// Elastic Load Balancing v2 (application, network and gateway load balancers): DescribeLoadBalancers (one page)
/// and DescribeTags.
public struct ELBv2Client: Sendable {
    /// The most ARNs one DescribeTags call is given (documented limit; the model does not enforce it).
    public static let maximumARNsPerDescribeTags = 20
    /// The page size asked for when the caller gives none (the API's maximum).
    public static let defaultPageSize = 400

    let caller: AWSServiceCaller

    /// Creates a client from a caller for ``AWSServiceDescriptor/elbv2``.
    public init(caller: AWSServiceCaller) {
        self.caller = caller
    }

    /// Fetches one page of v2 load balancers.
    /// - Parameters:
    ///   - marker: The marker of the page; nil for the first page.
    ///   - pageSize: 1-400; default 400.
    ///   - deadline: No attempt or backoff goes past it.
    /// - Throws: ``AWSError``.
    public func describeLoadBalancers(
        marker: String?,
        pageSize: Int?,
        deadline: ContinuousClock.Instant?
    ) async throws -> LoadBalancerV2Page {
        var parameters = QueryParameters()
        parameters.set("PageSize", pageSize ?? Self.defaultPageSize)
        parameters.setIfPresent("Marker", marker)
        let result = try await caller.query(action: "DescribeLoadBalancers", parameters: parameters, deadline: deadline)
        return LoadBalancerQueryCoding.v2Page(result)
    }

    /// The tags of the given load balancers, 20 ARNs per DescribeTags call (duplicates are asked once).
    /// - Returns: Tags by ARN, for every resource the service described.
    /// - Throws: ``AWSError``.
    public func describeTags(resourceARNs: [String], deadline: ContinuousClock.Instant?) async throws -> [String:
        [AWSTag]]
    {
        var tags: [String: [AWSTag]] = [:]
        for batch in LoadBalancerQueryCoding.batches(resourceARNs, size: Self.maximumARNsPerDescribeTags) {
            var parameters = QueryParameters()
            parameters.setList("ResourceArns", batch)
            let result = try await caller.query(action: "DescribeTags", parameters: parameters, deadline: deadline)
            tags.merge(LoadBalancerQueryCoding.tagDescriptions(result, key: "ResourceArn")) { $1 }
        }
        return tags
    }
}
