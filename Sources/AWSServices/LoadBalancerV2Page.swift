/// One DescribeLoadBalancers page of v2 load balancers.
public struct LoadBalancerV2Page: Sendable, Hashable {
    /// The load balancers of this page.
    public var loadBalancers: [LoadBalancerV2]
    /// The marker of the next page; nil when absent or empty.
    public var nextMarker: String?

    /// Creates a value.
    public init(
        loadBalancers: [LoadBalancerV2] = [],
        nextMarker: String? = nil
    ) {
        self.loadBalancers = loadBalancers
        self.nextMarker = nextMarker
    }
}
