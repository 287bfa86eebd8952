/// Which Kubernetes Service a CloudWatch series belongs to, as exactly as it is known: from the Kubernetes API, from
/// its target group's tags, or from its load balancer's tags, in that order of precedence.
public struct KubernetesIdentity: Sendable, Hashable {
    /// Where the identity was learned.
    public enum Source: String, Sendable {
        /// A TargetGroupBinding, or a Service whose load balancer hostname is the load balancer's DNS name.
        case kubernetesAPI = "kubernetes_api"
        /// The controller's tags on the target group.
        case targetGroupTags = "target_group_tags"
        /// The controller's tags on the load balancer.
        case loadBalancerTags = "load_balancer_tags"
    }

    /// The Service's namespace.
    public var namespace: String
    /// The Service; nil when only the namespace is certain.
    public var service: String?
    /// The Ingress the traffic comes through, when known.
    public var ingress: String?
    /// The Service port the target group sends to, as written (a number or a name).
    public var port: String?
    /// The allowlisted labels of the Service (`kubernetes.service_labels`), by label key.
    public var serviceLabels: [String: String]
    /// Where it was learned.
    public var source: Source

    /// Creates an identity.
    public init(
        namespace: String,
        service: String?,
        ingress: String? = nil,
        port: String? = nil,
        serviceLabels: [String: String] = [:],
        source: Source
    ) {
        self.namespace = namespace
        self.service = service
        self.ingress = ingress
        self.port = port
        self.serviceLabels = serviceLabels
        self.source = source
    }
}
