/// One DescribeLoadBalancers page of classic load balancers.
public struct ClassicLoadBalancerPage: Sendable, Hashable {
    /// The load balancers of this page.
    public var loadBalancers: [ClassicLoadBalancer]
    /// The marker of the next page; nil when absent or empty.
    public var nextMarker: String?

    /// Creates a value.
    public init(
        loadBalancers: [ClassicLoadBalancer] = [],
        nextMarker: String? = nil
    ) {
        self.loadBalancers = loadBalancers
        self.nextMarker = nextMarker
    }
}
