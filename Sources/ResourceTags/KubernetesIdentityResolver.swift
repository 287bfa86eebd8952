public import KubernetesAPI

/// Finds the Kubernetes identity of a CloudWatch series' load balancer or target group, in order of precedence: the
/// Kubernetes API (exact, when that source is on), then the target group's tags, then none (the caller derives what
/// the load balancer's own tags say).
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
