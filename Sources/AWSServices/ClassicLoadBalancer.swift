/// A classic load balancer.
public struct ClassicLoadBalancer: Sendable, Hashable {
    /// The name.
    public var name: String
    /// The DNS name.
    public var dnsName: String

    /// Creates a value.
    public init(
        name: String,
        dnsName: String
    ) {
        self.name = name
        self.dnsName = dnsName
    }
}
