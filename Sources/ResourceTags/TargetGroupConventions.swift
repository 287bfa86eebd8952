public import AWSServices

/// How the Kubernetes controllers that make ELBv2 target groups say, in tags, which Service a target group serves.
///
/// Four conventions are read, first match wins:
/// 1. AWS Load Balancer Controller, Service of type LoadBalancer: `service.k8s.aws/resource` =
///    `<namespace>/<service>:<port>` on the target group. (`service.k8s.aws/stack` names the Service that owns the
///    load balancer, which is another Service for a weighted target group, so it is not read.)
/// 2. AWS Load Balancer Controller, Ingress: `ingress.k8s.aws/resource` = `<namespace>/<ingress>-<service>:<port>`,
///    with `ingress.k8s.aws/stack` (on the target group, else on its load balancer) = `<namespace>/<ingress>` for an
///    Ingress of its own (implicit group), which settles the split, or the group name for an explicit IngressGroup.
///    Then every split at a `-` into valid names is a reading, and the target group's name, which the controller
///    builds as `k8s-<namespace 8>-<service 8>-<10 hex>` (see ``ControllerTargetGroupName``), keeps the readings
///    whose Service it fits. One reading left is certain; several leave ``KubernetesBackend/service`` and
///    ``KubernetesBackend/ingress`` nil and list them; none (a name not in the controller's shape) lists every
///    reading, unless there is only one.
/// 3. The in-tree cloud provider and cloud-provider-aws (NLB): `kubernetes.io/service-name` = `<namespace>/<service>`
///    on the target group, which gets its load balancer's tags; on the load balancer when the target group carries
///    no Kubernetes tag at all (an NLB of that provider serves one Service). The port is the target group's
///    `kubernetes.io/service-port` if there is one, else unknown.
/// 4. aws-alb-ingress-controller v1: `kubernetes.io/namespace`, `kubernetes.io/ingress-name`,
///    `kubernetes.io/service-name` (a bare name) and `kubernetes.io/service-port` on the target group.
///
/// Target groups of the Gateway API (tagged `gateway.k8s.aws.alb/…` or `gateway.k8s.aws.nlb/…`) are named after the
/// route, not the Service, and their resource ids name the Gateway and the route first: no convention is read for
/// them, the answer is nil.
///
/// Tags are hostile input: a key given twice with different values, a value longer than AWS allows, or parts that
/// are not valid Kubernetes names make a convention not apply (or leave the uncertain part nil); nothing traps.
///
/// Facts from kubernetes-sigs/aws-load-balancer-controller (`pkg/ingress/model_build_target_group.go`,
/// `pkg/service/model_build_target_group.go`, `pkg/deploy/tracking/provider.go`; v1.1.9
/// `internal/alb/generator/tag.go`) and kubernetes/cloud-provider-aws (`pkg/providers/v1/aws_loadbalancer.go`).
public enum TargetGroupConventions {
    /// The backend of a target group from its name and tags and its load balancer's tags, or nil when no convention
    /// applies.
    /// - Parameters:
    ///   - targetGroupName: The target group's name (``TargetGroup/name``).
    ///   - targetGroupTags: The target group's tags.
    ///   - loadBalancerTags: The tags of the load balancer it serves (empty when it serves none or several).
    /// - Returns: The backend, with only what the tags make certain; nil when no convention applies.
    public static func backend(
        targetGroupName: String,
        targetGroupTags: [AWSTag],
        loadBalancerTags: [AWSTag]
    ) -> KubernetesBackend? {
        let targetGroup = TagLookup(targetGroupTags)
        let loadBalancer = TagLookup(loadBalancerTags)
        if targetGroup.hasKey(withPrefixIn: TagKey.gatewayPrefixes) { return nil }
        return serviceBackend(targetGroup)
            ?? ingressBackend(name: targetGroupName, targetGroup: targetGroup, loadBalancer: loadBalancer)
            ?? inTreeBackend(targetGroup: targetGroup, loadBalancer: loadBalancer)
            ?? legacyIngressBackend(targetGroup)
    }

    private enum TagKey {
        static let serviceResource = "service.k8s.aws/resource"
        static let ingressResource = "ingress.k8s.aws/resource"
        static let ingressStack = "ingress.k8s.aws/stack"
        static let serviceName = "kubernetes.io/service-name"
        static let servicePort = "kubernetes.io/service-port"
        static let namespace = "kubernetes.io/namespace"
        static let ingressName = "kubernetes.io/ingress-name"
        static let gatewayPrefixes = ["gateway.k8s.aws.alb/", "gateway.k8s.aws.nlb/"]
        /// Keys whose presence says a controller made the target group, so a load balancer's tags must not stand in
        /// for its own.
        static let controllerPrefixes = ["kubernetes.io/", "service.k8s.aws/", "ingress.k8s.aws/"]
    }

    /// `<namespace>/<name>` with both parts valid labels, e.g. a Service's `<namespace>/<service>`.
    private static func namespacedName(_ value: Substring) -> (namespace: Substring, name: Substring)? {
        let parts = value.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, KubernetesNameRules.isLabel(parts[0]), KubernetesNameRules.isLabel(parts[1]) else {
            return nil
        }
        return (parts[0], parts[1])
    }

    /// Convention 1: `service.k8s.aws/resource` = `<namespace>/<service>:<port>`.
    private static func serviceBackend(_ tags: TagLookup) -> KubernetesBackend? {
        guard let resource = tags[TagKey.serviceResource], let colon = resource.lastIndex(of: ":"),
            let (namespace, service) = namespacedName(resource[..<colon])
        else { return nil }
        let port = resource[resource.index(after: colon)...]
        return KubernetesBackend(
            namespace: String(namespace),
            service: String(service),
            port: KubernetesNameRules.isPort(port) ? String(port) : nil,
            source: .serviceTags
        )
    }

    /// Convention 2: `ingress.k8s.aws/resource` = `<namespace>/<ingress>-<service>:<port>`, split by the stack or
    /// the target group's name.
    private static func ingressBackend(name: String, targetGroup: TagLookup, loadBalancer: TagLookup)
        -> KubernetesBackend?
    {
        guard let value = targetGroup[TagKey.ingressResource], let resource = IngressTargetGroupResource(value) else {
            return nil
        }
        func backend(_ reading: KubernetesBackend.Reading?, ambiguous: [KubernetesBackend.Reading] = [])
            -> KubernetesBackend
        {
            KubernetesBackend(
                namespace: String(resource.namespace),
                service: reading?.service,
                port: resource.port.map(String.init),
                ingress: reading?.ingress,
                source: .ingressTags,
                ambiguousReadings: ambiguous
            )
        }
        // An Ingress of its own (implicit group): the stack is `<namespace>/<ingress>` and settles the split.
        if let stack = targetGroup[TagKey.ingressStack] ?? loadBalancer[TagKey.ingressStack],
            let (namespace, ingress) = implicitGroupStack(stack), namespace == resource.namespace,
            let service = resource.service(behindIngress: ingress)
        {
            return backend(KubernetesBackend.Reading(ingress: String(ingress), service: String(service)))
        }
        // An explicit IngressGroup (or a stack that does not settle it): the name decides between the readings.
        let readings = resource.readings
        guard !readings.isEmpty else { return nil }
        let fitting =
            ControllerTargetGroupName(name).map { controllerName in
                readings.filter {
                    controllerName.fits(namespace: resource.namespace, service: Substring($0.service))
                }
            } ?? []
        switch (fitting.count, readings.count) {
        case (1, _): return backend(fitting[0])
        case (2..., _): return backend(nil, ambiguous: fitting)
        case (_, 1): return backend(readings[0])
        default: return backend(nil, ambiguous: readings)
        }
    }

    /// An implicit group's stack, `<namespace>/<ingress>`; nil for an explicit group's name (it has no `/`).
    private static func implicitGroupStack(_ stack: String) -> (namespace: Substring, ingress: Substring)? {
        let parts = stack.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, KubernetesNameRules.isLabel(parts[0]), KubernetesNameRules.isSubdomain(parts[1]) else {
            return nil
        }
        return (parts[0], parts[1])
    }

    /// Convention 3: `kubernetes.io/service-name` = `<namespace>/<service>`, the target group's, else its load
    /// balancer's when the target group has no controller tag at all.
    private static func inTreeBackend(targetGroup: TagLookup, loadBalancer: TagLookup) -> KubernetesBackend? {
        let value: String?
        if let own = targetGroup[TagKey.serviceName] {
            value = own
        } else if !targetGroup.hasKey(withPrefixIn: TagKey.controllerPrefixes) {
            value = loadBalancer[TagKey.serviceName]
        } else {
            value = nil
        }
        guard let value, let (namespace, service) = namespacedName(Substring(value)) else { return nil }
        let port = targetGroup[TagKey.servicePort].map { $0[...] }
        return KubernetesBackend(
            namespace: String(namespace),
            service: String(service),
            port: port.flatMap { KubernetesNameRules.isPort($0) ? String($0) : nil },
            source: .inTreeTags
        )
    }

    /// Convention 4: aws-alb-ingress-controller v1's four tags.
    private static func legacyIngressBackend(_ tags: TagLookup) -> KubernetesBackend? {
        guard let namespace = tags[TagKey.namespace].map { $0[...] }, KubernetesNameRules.isLabel(namespace),
            let service = tags[TagKey.serviceName].map { $0[...] }, KubernetesNameRules.isLabel(service)
        else { return nil }
        let ingress = tags[TagKey.ingressName].map { $0[...] }
        let port = tags[TagKey.servicePort].map { $0[...] }
        return KubernetesBackend(
            namespace: String(namespace),
            service: String(service),
            port: port.flatMap { KubernetesNameRules.isPort($0) ? String($0) : nil },
            ingress: ingress.flatMap { KubernetesNameRules.isSubdomain($0) ? String($0) : nil },
            source: .legacyIngressTags
        )
    }
}
