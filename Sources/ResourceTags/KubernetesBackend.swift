/// The Kubernetes Service a target group sends traffic to, as far as tags tell.
///
/// Made by ``TargetGroupConventions/backend(targetGroupName:targetGroupTags:loadBalancerTags:)``. What the tags
/// leave open stays nil: a value here is never a guess.
public struct KubernetesBackend: Sendable, Hashable {
    /// Which controller's convention the backend was read from.
    public enum Source: String, Sendable {
        /// AWS Load Balancer Controller, Service of type LoadBalancer: `service.k8s.aws/resource`.
        case serviceTags = "service_tags"
        /// AWS Load Balancer Controller, Ingress: `ingress.k8s.aws/resource` and `ingress.k8s.aws/stack`.
        case ingressTags = "ingress_tags"
        /// The in-tree cloud provider or cloud-provider-aws (NLB): `kubernetes.io/service-name` = `<ns>/<svc>`.
        case inTreeTags = "in_tree_tags"
        /// aws-alb-ingress-controller v1: `kubernetes.io/namespace`, `…/ingress-name`, `…/service-name`,
        /// `…/service-port`.
        case legacyIngressTags = "legacy_ingress_tags"
    }

    /// One way to read `<ingress>-<service>` when names contain `-`.
    public struct Reading: Sendable, Hashable {
        /// The Ingress name of this reading.
        public var ingress: String
        /// The Service name of this reading.
        public var service: String

        /// Creates a reading.
        public init(ingress: String, service: String) {
            self.ingress = ingress
            self.service = service
        }
    }

    /// The namespace of the Service (and of the Ingress, which can only route to its own namespace).
    public var namespace: String
    /// The Service; nil when it cannot be told for certain (see ``ambiguousReadings``).
    public var service: String?
    /// The Service port as the controller wrote it: a number (`8080`) or a port name (`http`); nil when unknown.
    public var port: String?
    /// The Ingress, for target groups of an Ingress, when certain.
    public var ingress: String?
    /// The convention the backend was read from.
    public var source: Source
    /// When the split of `<ingress>-<service>` stays ambiguous: each reading that fits, in the order of the `-`
    /// they split at; empty when ``service`` is certain.
    public var ambiguousReadings: [Reading]

    /// Creates a value.
    public init(
        namespace: String,
        service: String?,
        port: String? = nil,
        ingress: String? = nil,
        source: Source,
        ambiguousReadings: [Reading] = []
    ) {
        self.namespace = namespace
        self.service = service
        self.port = port
        self.ingress = ingress
        self.source = source
        self.ambiguousReadings = ambiguousReadings
    }
}
