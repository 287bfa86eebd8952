/// An ELBv2 target group: where a listener rule of an application, network or gateway load balancer sends traffic.
public struct TargetGroup: Sendable, Hashable {
    /// The ARN, `arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>`.
    public var arn: String
    /// The name (at most 32 characters; empty when the answer left it out).
    public var name: String
    /// The ARNs of the load balancers that send traffic to it; empty when none does.
    public var loadBalancerARNs: [String]
    /// The port targets receive traffic on; nil for Lambda target groups, and when the answer gave none or no
    /// number in 1-65535.
    public var port: Int?
    /// `HTTP`, `HTTPS`, `TCP`, `TLS`, `UDP`, `TCP_UDP`, `GENEVE`; nil when absent (Lambda target groups).
    public var protocolName: String?
    /// `instance`, `ip`, `lambda` or `alb`; nil when absent.
    public var targetType: String?

    /// Creates a value.
    public init(
        arn: String,
        name: String,
        loadBalancerARNs: [String] = [],
        port: Int? = nil,
        protocolName: String? = nil,
        targetType: String? = nil
    ) {
        self.arn = arn
        self.name = name
        self.loadBalancerARNs = loadBalancerARNs
        self.port = port
        self.protocolName = protocolName
        self.targetType = targetType
    }
}

extension TargetGroup {
    /// The longest target group name ELBv2 accepts.
    static let maximumNameLength = 32
    /// The longest id part accepted; AWS writes 16 hex digits.
    static let maximumIDLength = 64

    /// The value of the CloudWatch `TargetGroup` dimension for a target group ARN: the ARN from `targetgroup/` on.
    ///
    /// `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/k8s-shop-cart-0123456789/73e2d6bc24d8a067`
    /// gives `targetgroup/k8s-shop-cart-0123456789/73e2d6bc24d8a067`.
    /// - Parameter arn: A target group ARN, as DescribeTargetGroups answers it.
    /// - Returns: The dimension value, or nil when `arn` is not an ELBv2 target group ARN (a load balancer ARN, a
    ///   name, a malformed or oversized string).
    public static func dimensionValue(arn: String) -> String? {
        // arn:<partition>:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>; the resource part
        // has no ':' of its own, so a sixth ':' means the string is something else.
        let fields = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard fields.count == 6, fields[0] == "arn", !fields[1].isEmpty, fields[2] == "elasticloadbalancing",
            !fields[3].isEmpty, !fields[4].isEmpty, fields[4].utf8.allSatisfy(isDigit)
        else { return nil }
        let resource = fields[5]
        let parts = resource.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "targetgroup",
            isTargetGroupName(parts[1]),
            (1...maximumIDLength).contains(parts[2].utf8.count), parts[2].utf8.allSatisfy(isAlphanumeric)
        else { return nil }
        return String(resource)
    }

    /// Whether `name` is a name ELBv2 accepts: 1-32 ASCII letters, digits and hyphens, no hyphen at either end.
    static func isTargetGroupName(_ name: Substring) -> Bool {
        let bytes = name.utf8
        guard (1...maximumNameLength).contains(bytes.count), bytes.allSatisfy({ isAlphanumeric($0) || $0 == hyphen }),
            bytes.first != hyphen, bytes.last != hyphen
        else { return false }
        return true
    }

    private static let hyphen = UInt8(ascii: "-")

    private static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }
}
