/// The directory's mapping and status at one moment: a value, read without waiting and safe to keep for a scrape.
///
/// Lookups are dictionary reads. ``version`` changes whenever anything in the snapshot changes (the mapping or a
/// status), so a caller can keep labels it derived from a snapshot until the version moves.
public struct KubernetesDirectorySnapshot: Sendable {
    /// Increases by one with every change of the mapping or of a status; 0 before anything happened.
    public internal(set) var version: UInt64 = 0
    /// How Services are followed.
    public internal(set) var serviceStatus: KubernetesSyncStatus
    /// How TargetGroupBindings are followed.
    public internal(set) var targetGroupBindingStatus: KubernetesSyncStatus

    var serviceTable = ObjectTable<KubernetesService>()
    var bindingTable = ObjectTable<KubernetesTargetGroupBinding>()

    init(watchesTargetGroupBindings: Bool) {
        serviceStatus = KubernetesSyncStatus(state: .starting)
        targetGroupBindingStatus = KubernetesSyncStatus(state: watchesTargetGroupBindings ? .starting : .disabled)
    }

    /// A snapshot of exactly these objects, both resources in sync: what a directory holds after listing them (for
    /// code that reads snapshots, and its tests).
    public init(
        services: [KubernetesService],
        targetGroupBindings: [KubernetesTargetGroupBinding],
        version: UInt64 = 1
    ) {
        self.version = version
        serviceStatus = KubernetesSyncStatus(state: .synced)
        targetGroupBindingStatus = KubernetesSyncStatus(state: .synced)
        serviceTable = ObjectTable(
            Dictionary(
                services.map { service in
                    var normalized = service
                    normalized.loadBalancerHostnames = service.loadBalancerHostnames.map(KubernetesHostname.normalized)
                    return (service.name, normalized)
                },
                uniquingKeysWith: { first, _ in first }
            )
        )
        bindingTable = ObjectTable(
            Dictionary(targetGroupBindings.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        )
        serviceStatus.objectCount = services.count
        targetGroupBindingStatus.objectCount = targetGroupBindings.count
    }

    /// The Service whose `status.loadBalancer.ingress[].hostname` is this load balancer's DNS name.
    /// - Parameter dnsName: The AWS load balancer's `DNSName`; compared case-insensitively, a trailing dot ignored.
    /// - Returns: The Service, or nil when no `LoadBalancer` Service shows this hostname.
    public func service(forLoadBalancerDNSName dnsName: String) -> KubernetesService? {
        serviceTable.first(claiming: KubernetesHostname.normalized(dnsName))
    }

    /// The TargetGroupBinding of a target group.
    /// - Parameter arn: The target group's full ARN, compared exactly.
    /// - Returns: The binding (its Service and port), or nil.
    public func targetGroupBinding(forTargetGroupARN arn: String) -> KubernetesTargetGroupBinding? {
        let key = KubernetesTargetGroupBinding.resourcePart(ofARN: arn) ?? arn
        return bindingTable.first(claiming: key) { $0.targetGroupARN == arn }
    }

    /// The TargetGroupBinding of a target group, by CloudWatch's `TargetGroup` dimension value.
    /// - Parameter dimension: `targetgroup/<name>/<id>`, the ARN after the account.
    /// - Returns: The binding, or nil.
    public func targetGroupBinding(forTargetGroupDimension dimension: String) -> KubernetesTargetGroupBinding? {
        bindingTable.first(claiming: dimension)
    }

    /// The Service kept under this name (it is kept when it is a load balancer or has allowlisted labels).
    /// - Parameter name: The Service's namespace and name.
    /// - Returns: The Service, or nil.
    public func service(named name: KubernetesObjectName) -> KubernetesService? {
        serviceTable.objects[name]
    }

    /// The allowlisted labels of a Service (empty when it has none or is unknown).
    /// - Parameter service: The Service's namespace and name.
    /// - Returns: Raw label keys and values.
    public func labels(of service: KubernetesObjectName) -> [String: String] {
        serviceTable.objects[service]?.labels ?? [:]
    }

    /// Every Service kept.
    public var services: [KubernetesObjectName: KubernetesService] { serviceTable.objects }

    /// Every TargetGroupBinding kept.
    public var targetGroupBindings: [KubernetesObjectName: KubernetesTargetGroupBinding] { bindingTable.objects }
}
