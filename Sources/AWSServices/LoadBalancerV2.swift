/// An application, network or gateway load balancer.
public struct LoadBalancerV2: Sendable, Hashable {
    /// The ARN.
    public var arn: String
    /// The name.
    public var name: String
    /// `application`, `network` or `gateway`.
    public var type: String
    /// The DNS name.
    public var dnsName: String

    /// Creates a value.
    public init(
        arn: String,
        name: String,
        type: String,
        dnsName: String
    ) {
        self.arn = arn
        self.name = name
        self.type = type
        self.dnsName = dnsName
    }
}
