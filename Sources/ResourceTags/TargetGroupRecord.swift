public import AWSServices

/// A target group and its tags, as the tag cache holds it.
public struct TargetGroupRecord: Sendable, Hashable {
    /// Its ARN.
    public var arn: String
    /// Its name.
    public var name: String
    /// The value of its CloudWatch `TargetGroup` dimension: `targetgroup/<name>/<id>`.
    public var dimensionValue: String
    /// The load balancers it serves (usually one).
    public var loadBalancerARNs: [String]
    /// Its port, when it has one (Lambda target groups do not).
    public var port: Int?
    /// Its tags, in API order.
    public var tags: [AWSTag]

    /// Creates a record.
    public init(
        arn: String,
        name: String,
        dimensionValue: String,
        loadBalancerARNs: [String],
        port: Int?,
        tags: [AWSTag]
    ) {
        self.arn = arn
        self.name = name
        self.dimensionValue = dimensionValue
        self.loadBalancerARNs = loadBalancerARNs
        self.port = port
        self.tags = tags
    }
}
