/// What the directory keeps of one Service: only the fields the exporter labels samples with.
///
/// A Service is kept when it is of type `LoadBalancer` with at least one ingress hostname, or when it carries a label
/// named in the allowlist; every other Service costs nothing.
public struct KubernetesService: Sendable, Hashable {
    /// The Service's namespace and name.
    public var name: KubernetesObjectName
    /// `status.loadBalancer.ingress[].hostname`, normalised (ASCII lowercase, no trailing dot), when `spec.type` is
    /// `LoadBalancer`; empty otherwise. These equal the AWS load balancers' `DNSName`.
    public var loadBalancerHostnames: [String]
    /// The Service's labels whose keys are in the allowlist, raw (keys are not sanitised to Prometheus names).
    public var labels: [String: String]

    /// Creates the record.
    /// - Parameters:
    ///   - name: The Service's namespace and name.
    ///   - loadBalancerHostnames: Normalised load balancer hostnames (see ``KubernetesHostname/normalized(_:)``).
    ///   - labels: Allowlisted labels.
    public init(name: KubernetesObjectName, loadBalancerHostnames: [String], labels: [String: String]) {
        self.name = name
        self.loadBalancerHostnames = loadBalancerHostnames
        self.labels = labels
    }
}
