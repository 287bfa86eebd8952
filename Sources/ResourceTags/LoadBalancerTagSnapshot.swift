public import AWSServices
public import FoundationEssentials
import Synchronization

/// What the tag cache knows at one moment: the load balancers of each API and when each was last refreshed.
public struct LoadBalancerTagSnapshot: Sendable {
    /// Classic load balancers by name.
    public private(set) var classic = LoadBalancerRecords()
    /// ELBv2 load balancers by CloudWatch `LoadBalancer` dimension value.
    public private(set) var v2 = LoadBalancerRecords()
    /// When the classic part last refreshed successfully.
    public private(set) var classicRefreshedAt: Date?
    /// When the ELBv2 part last refreshed successfully.
    public private(set) var v2RefreshedAt: Date?
    /// ELBv2 target groups by CloudWatch `TargetGroup` dimension value (only when a rule's series have that
    /// dimension).
    public private(set) var targetGroups: [String: TargetGroupRecord] = [:]
    /// When the target group part last refreshed successfully.
    public private(set) var targetGroupsRefreshedAt: Date?
    /// Whether a part was refreshed by a cache that let go of DNS names (a cache that needs them starts afresh).
    public private(set) var lacksDNSNames = false
    /// ELBv2 load balancers by ARN (what a target group names them by).
    private var v2ByARN: [String: String] = [:]
    /// Different for every snapshot a refresh made (0 for an empty one), so what is derived from a snapshot's
    /// records (sample labels, `aws_elb_tags`) can be kept until the next refresh.
    public private(set) var version: UInt64 = 0

    private static let versions = Atomic<UInt64>(0)

    /// Creates an empty snapshot.
    public init() {}

    /// The ELBv2 load balancer with this ARN.
    public func loadBalancer(arn: String) -> LoadBalancerRecord? {
        v2ByARN[arn].flatMap { v2[$0] }
    }

    /// The target group of a series with a `TargetGroup` dimension (ELBv2 namespaces).
    public func targetGroup(dimensions: [MetricDimension]) -> TargetGroupRecord? {
        guard !targetGroups.isEmpty, let value = dimensions.first(where: { $0.name == "TargetGroup" })?.value else {
            return nil
        }
        return targetGroups[value]
    }

    /// The load balancer a CloudWatch series belongs to: by `LoadBalancerName` in `AWS/ELB`, by `LoadBalancer` in
    /// the ELBv2 namespaces (also when the series has a `TargetGroup` too).
    public func record(namespace: String, dimensions: [MetricDimension]) -> LoadBalancerRecord? {
        switch namespace {
        case "AWS/ELB":
            return dimensions.first { $0.name == "LoadBalancerName" }.flatMap { classic[$0.value] }
        case "AWS/ApplicationELB", "AWS/NetworkELB", "AWS/GatewayELB":
            return dimensions.first { $0.name == "LoadBalancer" }.flatMap { v2[$0.value] }
        default:
            return nil
        }
    }

    /// When the part of `kind` last refreshed successfully.
    public func refreshedAt(_ kind: LoadBalancerAPIKind) -> Date? {
        switch kind {
        case .classic: classicRefreshedAt
        case .v2: v2RefreshedAt
        case .targetGroups: targetGroupsRefreshedAt
        }
    }

    /// Replaces one API's part with a complete refresh.
    public mutating func replace(
        _ kind: LoadBalancerAPIKind,
        with records: LoadBalancerRecords,
        refreshedAt: Date,
        keptDNSNames: Bool = true
    ) {
        version = Self.versions.add(1, ordering: .relaxed).newValue
        if !keptDNSNames { lacksDNSNames = true }
        switch kind {
        case .classic:
            classic = records
            classicRefreshedAt = refreshedAt
        case .v2:
            v2 = records
            v2RefreshedAt = refreshedAt
            v2ByARN = Dictionary(
                records.values.compactMap { record in record.arn.map { ($0, record.dimensionValue) } },
                uniquingKeysWith: { first, _ in first }
            )
        case .targetGroups:
            break
        }
    }

    /// Replaces one API's part with a complete refresh given as records by dimension value.
    public mutating func replace(
        _ kind: LoadBalancerAPIKind,
        with records: [String: LoadBalancerRecord],
        refreshedAt: Date
    ) {
        replace(kind, with: LoadBalancerRecords(Array(records.values)), refreshedAt: refreshedAt)
    }

    /// Replaces the target group part with a complete refresh.
    public mutating func replaceTargetGroups(_ records: [String: TargetGroupRecord], refreshedAt: Date) {
        version = Self.versions.add(1, ordering: .relaxed).newValue
        targetGroups = records
        targetGroupsRefreshedAt = refreshedAt
    }

    /// Every load balancer, classic first, each group sorted by dimension value.
    public var allRecords: [LoadBalancerRecord] {
        classic.values + v2.values
    }

    /// Whether the namespace's load balancers come from the classic API, ELBv2, or neither.
    public static func kindOfAPI(namespace: String) -> LoadBalancerAPIKind? {
        switch namespace {
        case "AWS/ELB": .classic
        case "AWS/ApplicationELB", "AWS/NetworkELB", "AWS/GatewayELB": .v2
        default: nil
        }
    }
}

/// Which part of the load balancer APIs a target's rules need: classic load balancers, ELBv2 load balancers, or
/// ELBv2 target groups (for series with a `TargetGroup` dimension).
public enum LoadBalancerAPIKind: Sendable, Hashable {
    case classic, v2, targetGroups

    /// The service name in self metrics and logs.
    public var service: String {
        switch self {
        case .classic: "elb"
        case .v2, .targetGroups: "elbv2"
        }
    }
}
