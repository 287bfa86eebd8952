public import AWSServices
import FoundationEssentials

/// The kind of a load balancer, which decides its API, its CloudWatch namespace and its dimension.
public enum LoadBalancerKind: String, Sendable, CaseIterable {
    case classic, application, network, gateway

    /// The ELBv2 kind for a DescribeLoadBalancers `Type`.
    init?(v2Type: String) {
        switch v2Type.lowercased() {
        case "application": self = .application
        case "network": self = .network
        case "gateway": self = .gateway
        default: return nil
        }
    }

    /// The ARN path prefix of an ELBv2 load balancer of this kind (`app`, `net`, `gwy`).
    var arnPrefix: String {
        switch self {
        case .classic: ""
        case .application: "app"
        case .network: "net"
        case .gateway: "gwy"
        }
    }
}

/// A load balancer and its tags, as the tag cache holds it.
public struct LoadBalancerRecord: Sendable, Hashable {
    /// Its kind.
    public var kind: LoadBalancerKind
    /// Its name.
    public var name: String
    /// The value of its CloudWatch dimension: the name (`LoadBalancerName`) for classic, the ARN suffix
    /// `app|net|gwy/<name>/<id>` (`LoadBalancer`) otherwise.
    public var dimensionValue: String
    /// Its ARN (ELBv2 only).
    public var arn: String?
    /// Its tags, in API order.
    public var tags: [AWSTag]
    /// Its DNS name (what a Kubernetes Service of type LoadBalancer shows as its ingress hostname).
    public var dnsName: String

    /// Creates a record.
    public init(
        kind: LoadBalancerKind,
        name: String,
        dimensionValue: String,
        arn: String?,
        tags: [AWSTag],
        dnsName: String = ""
    ) {
        self.kind = kind
        self.name = name
        self.dimensionValue = dimensionValue
        self.arn = arn
        self.tags = tags
        self.dnsName = dnsName
    }

    /// The CloudWatch `LoadBalancer` dimension value of an ELBv2 load balancer.
    ///
    /// Built from the `Type` rather than read from the ARN, because some emulators (moto) write `app/` into NLB ARNs;
    /// with real ARNs both agree.
    static func v2DimensionValue(arn: String, kind: LoadBalancerKind) -> String? {
        guard let range = arn.firstRange(of: ":loadbalancer/") else { return nil }
        let parts = arn[range.upperBound...].split(separator: "/")
        guard parts.count == 3 else { return nil }
        return "\(kind.arnPrefix)/\(parts[1])/\(parts[2])"
    }
}
