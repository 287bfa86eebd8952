/// What the client needs to know about one AWS service: names, API version and protocol details.
public struct AWSServiceDescriptor: Sendable, Hashable {
    /// The name used in errors, logs and self metrics: `cloudwatch`, `elb`, `elbv2`, `tagging`, `sts`.
    public var name: String
    /// The first label of the regional host name, e.g. `monitoring`.
    public var endpointPrefix: String
    /// The SigV4 service name, e.g. `monitoring`.
    public var signingName: String
    /// The suffix of the `AWS_ENDPOINT_URL_<SUFFIX>` override, e.g. `CLOUDWATCH`.
    public var endpointEnvironmentSuffix: String
    /// The Query `Version`, e.g. `2010-08-01`.
    public var apiVersion: String
    /// The `X-Amz-Target` prefix for JSON protocols, e.g. `GraniteServiceVersion20100801`.
    public var jsonTargetPrefix: String?
    /// The JSON protocol version (`1.0` or `1.1`) when the service speaks JSON.
    public var jsonVersion: String?
    /// Whether the JSON protocol is "awsQueryCompatible" (send `x-amzn-query-mode: true`, read
    /// `x-amzn-query-error`).
    public var isQueryCompatible: Bool
    /// Whether the aws partition has a `-fips` host for this service.
    public var hasFIPSEndpointInAWSPartition: Bool

    /// Creates a descriptor.
    public init(
        name: String,
        endpointPrefix: String,
        signingName: String,
        endpointEnvironmentSuffix: String,
        apiVersion: String,
        jsonTargetPrefix: String? = nil,
        jsonVersion: String? = nil,
        isQueryCompatible: Bool = false,
        hasFIPSEndpointInAWSPartition: Bool = true
    ) {
        self.name = name
        self.endpointPrefix = endpointPrefix
        self.signingName = signingName
        self.endpointEnvironmentSuffix = endpointEnvironmentSuffix
        self.apiVersion = apiVersion
        self.jsonTargetPrefix = jsonTargetPrefix
        self.jsonVersion = jsonVersion
        self.isQueryCompatible = isQueryCompatible
        self.hasFIPSEndpointInAWSPartition = hasFIPSEndpointInAWSPartition
    }

    /// Amazon CloudWatch (Query 2010-08-01, or JSON 1.0 with target prefix `GraniteServiceVersion20100801`).
    public static let cloudWatch = AWSServiceDescriptor(
        name: "cloudwatch",
        endpointPrefix: "monitoring",
        signingName: "monitoring",
        endpointEnvironmentSuffix: "CLOUDWATCH",
        apiVersion: "2010-08-01",
        jsonTargetPrefix: "GraniteServiceVersion20100801",
        jsonVersion: "1.0",
        isQueryCompatible: true
    )

    /// Classic Elastic Load Balancing (Query 2012-06-01).
    public static let elb = AWSServiceDescriptor(
        name: "elb",
        endpointPrefix: "elasticloadbalancing",
        signingName: "elasticloadbalancing",
        endpointEnvironmentSuffix: "ELASTIC_LOAD_BALANCING",
        apiVersion: "2012-06-01"
    )

    /// Elastic Load Balancing v2: ALB, NLB, GWLB (Query 2015-12-01).
    public static let elbv2 = AWSServiceDescriptor(
        name: "elbv2",
        endpointPrefix: "elasticloadbalancing",
        signingName: "elasticloadbalancing",
        endpointEnvironmentSuffix: "ELASTIC_LOAD_BALANCING_V2",
        apiVersion: "2015-12-01"
    )

    /// Resource Groups Tagging API (JSON 1.1, target prefix `ResourceGroupsTaggingAPI_20170126`).
    public static let tagging = AWSServiceDescriptor(
        name: "tagging",
        endpointPrefix: "tagging",
        signingName: "tagging",
        endpointEnvironmentSuffix: "RESOURCE_GROUPS_TAGGING_API",
        apiVersion: "2017-01-26",
        jsonTargetPrefix: "ResourceGroupsTaggingAPI_20170126",
        jsonVersion: "1.1",
        hasFIPSEndpointInAWSPartition: false
    )

    /// AWS Security Token Service (Query 2011-06-15), always regional.
    public static let sts = AWSServiceDescriptor(
        name: "sts",
        endpointPrefix: "sts",
        signingName: "sts",
        endpointEnvironmentSuffix: "STS",
        apiVersion: "2011-06-15"
    )
}
