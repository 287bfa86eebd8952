public import AWSServices
public import KubernetesAPI

/// Finds the Kubernetes identity of a CloudWatch series, in order of precedence: the Kubernetes API (exact, when that
/// source is on), then the target group's tags, then nothing (the caller derives what the load balancer's own tags
/// say). A series with a `TargetGroup` dimension belongs to its target group's backend Service; any other series to
/// its load balancer's Service.
public struct KubernetesIdentityResolver: Sendable {
    /// What the Kubernetes API source knows now; nil when it is off.
    public let kubernetes: KubernetesDirectorySnapshot?
    /// `kubernetes.service_labels`: the Service labels to carry.
    public let serviceLabels: [String]

    /// Creates a resolver over one moment's Kubernetes snapshot.
    public init(kubernetes: KubernetesDirectorySnapshot?, serviceLabels: [String] = []) {
        self.kubernetes = kubernetes
        self.serviceLabels = serviceLabels
    }

    /// The identity of a series of `cloudWatchNamespace` with `dimensions`, from the tag snapshot of its target and
    /// the Kubernetes snapshot; nil when neither says more than the load balancer's tags.
    public func identity(
        cloudWatchNamespace: String,
        dimensions: [MetricDimension],
        tags: LoadBalancerTagSnapshot
    ) -> KubernetesIdentity? {
        let loadBalancer = tags.record(namespace: cloudWatchNamespace, dimensions: dimensions)
        if LoadBalancerTagSnapshot.kindOfAPI(namespace: cloudWatchNamespace) == .v2,
            let targetGroup = dimensions.first(where: { $0.name == "TargetGroup" })?.value,
            let identity = identity(
                ofTargetGroup: targetGroup,
                record: tags.targetGroup(dimensions: dimensions),
                loadBalancer: loadBalancer
            )
        {
            return identity
        }
        return loadBalancer.flatMap(identity(ofLoadBalancer:))
    }

    /// The identity of a target group: its TargetGroupBinding, else the controllers' tags on it.
    public func identity(
        ofTargetGroup dimensionValue: String,
        record: TargetGroupRecord?,
        loadBalancer: LoadBalancerRecord?
    ) -> KubernetesIdentity? {
        if let binding = kubernetes?.targetGroupBinding(forTargetGroupDimension: dimensionValue) {
            return KubernetesIdentity(
                namespace: binding.service.namespace,
                service: binding.service.name,
                port: binding.port?.description,
                serviceLabels: kubernetes?.labels(of: binding.service) ?? [:],
                source: .kubernetesAPI
            )
        }
        guard let record,
            let backend = TargetGroupConventions.backend(
                targetGroupName: record.name,
                targetGroupTags: record.tags,
                loadBalancerTags: loadBalancer?.tags ?? []
            )
        else { return nil }
        return KubernetesIdentity(
            namespace: backend.namespace,
            service: backend.service,
            ingress: backend.ingress,
            port: backend.port ?? record.port.map(String.init),
            serviceLabels: backend.service.flatMap { name in
                kubernetes?.labels(of: KubernetesObjectName(namespace: backend.namespace, name: name))
            } ?? [:],
            source: .targetGroupTags
        )
    }

    /// The identity of a load balancer's own series: the Service whose load balancer hostname is its DNS name.
    public func identity(ofLoadBalancer record: LoadBalancerRecord) -> KubernetesIdentity? {
        guard let kubernetes, !record.dnsName.isEmpty,
            let service = kubernetes.service(forLoadBalancerDNSName: record.dnsName)
        else { return nil }
        return KubernetesIdentity(
            namespace: service.name.namespace,
            service: service.name.name,
            serviceLabels: service.labels,
            source: .kubernetesAPI
        )
    }
}
