public import AWSCore

/// Elastic Load Balancing v2 (application, network and gateway load balancers): DescribeLoadBalancers and
/// DescribeTargetGroups (one page each) and DescribeTags.
public struct ELBv2Client: Sendable {
    /// The most ARNs one DescribeTags call is given (documented limit; the model does not enforce it).
    public static let maximumARNsPerDescribeTags = 20
    /// The page size asked for when the caller gives none (the API's maximum).
    public static let defaultPageSize = 400
    /// The page sizes DescribeTargetGroups accepts.
    static let targetGroupPageSizes = 1...400

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

    /// Fetches one page of target groups (all of the account's in the region, whatever load balancer they serve).
    /// - Parameters:
    ///   - marker: The marker of the page; nil for the first page.
    ///   - pageSize: 1-400 (a value outside is brought into that range); default 400.
    ///   - deadline: No attempt or backoff goes past it.
    /// - Throws: ``AWSError``; `malformedResponse` when the answer is XML but not a DescribeTargetGroups result (a
    ///   proxy's or captive portal's page must not read as "no target groups").
    public func describeTargetGroups(
        marker: String?,
        pageSize: Int?,
        deadline: ContinuousClock.Instant?
    ) async throws -> TargetGroupPage {
        var parameters = QueryParameters()
        let requested = pageSize ?? Self.defaultPageSize
        parameters.set(
            "PageSize",
            min(max(requested, Self.targetGroupPageSizes.lowerBound), Self.targetGroupPageSizes.upperBound)
        )
        parameters.setIfPresent("Marker", marker)
        let action = "DescribeTargetGroups"
        let result = try await caller.query(action: action, parameters: parameters, deadline: deadline)
        guard result.name == "\(action)Result" else {
            throw AWSError(
                kind: .malformedResponse,
                service: caller.service.name,
                operation: action,
                code: "MalformedResponse",
                message: "the answer has no \(action)Result element (its root is <\(result.name.prefix(64))>)"
            )
        }
        return LoadBalancerQueryCoding.targetGroupPage(result)
    }

    /// The tags of the given load balancers or target groups, 20 ARNs per DescribeTags call (duplicates are asked
    /// once).
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
