public import AWSServices
public import ConfigFile

/// Turns a load balancer's tags into labels, per the `tag_labels` settings.
///
/// With the defaults, Kubernetes tags become `namespace` and `service` (`kubernetes.io/service-name` or
/// `service.k8s.aws/stack`, both `<namespace>/<name>`), `namespace` and `ingress` (`ingress.k8s.aws/stack` when it is
/// `<namespace>/<name>`), and the cluster name (`kubernetes.io/cluster/<name>` or `elbv2.k8s.aws/cluster`) under
/// `cluster_label`. Label values are kept verbatim.
public struct TagLabelDeriver: Sendable {
    /// The settings in force for one rule.
    public let settings: TagLabelSettings

    /// Creates a deriver for `settings`.
    public init(settings: TagLabelSettings) { self.settings = settings }

    /// The labels for `tags` (a load balancer's, or a resource's), without duplicate names (the first derivation of
    /// a name wins): `namespace`, `service` or `ingress`, the cluster, explicit `tags`, `all_tags`; and, with an
    /// `identity` learned more exactly (the Kubernetes API, the target group), its namespace, Service and Ingress
    /// instead of the tags' and its allowlisted Service labels last (`serviceLabels`: the allowlist, in order).
    public func labels(
        for tags: [AWSTag],
        identity: KubernetesIdentity? = nil,
        serviceLabels: [String] = []
    ) -> [(name: String, value: String)] {
        guard settings.enabled else { return [] }
        var result: [(name: String, value: String)] = []
        func add(_ name: String, _ value: String) {
            if !name.isEmpty, !result.contains(where: { $0.name == name }) { result.append((name, value)) }
        }
        // A load balancer has a handful of tags: a linear look-up (first tag of a key wins) beats building a
        // dictionary per sample set, which profiling showed on every scrape.
        func value(_ key: String) -> String? { tags.first { $0.key == key }?.value }
        if settings.kubernetes {
            let tagged =
                Self.namespacedName(value("kubernetes.io/service-name"))
                .map { (namespace: $0.0, service: Optional($0.1), ingress: String?.none) }
                ?? Self.namespacedName(value("service.k8s.aws/stack"))
                .map { (namespace: $0.0, service: Optional($0.1), ingress: String?.none) }
                ?? Self.namespacedName(value("ingress.k8s.aws/stack"))
                .map { (namespace: $0.0, service: String?.none, ingress: Optional($0.1)) }
            if let identity {
                add("namespace", identity.namespace)
                if let service = identity.service { add("service", service) }
                // The load balancer's Ingress stays when it is in the Service's namespace (an ALB of one Ingress).
                let ingress = identity.ingress ?? (tagged?.namespace == identity.namespace ? tagged?.ingress : nil)
                if let ingress { add("ingress", ingress) }
            } else if let tagged {
                add("namespace", tagged.namespace)
                if let service = tagged.service { add("service", service) }
                if let ingress = tagged.ingress { add("ingress", ingress) }
            }
            if let label = settings.clusterLabel, let cluster = Self.clusterName(tags) { add(label, cluster) }
        }
        for mapping in settings.tags {
            if let tagValue = value(mapping.tagKey) { add(mapping.labelName, tagValue) }
        }
        if settings.allTags {
            for tag in tags.sorted(by: { $0.key < $1.key }) {
                add("tag_" + MetricNaming.safeLabelName(tag.key), tag.value)
            }
        }
        if settings.kubernetes, let identity {
            for key in serviceLabels {
                if let value = identity.serviceLabels[key] {
                    add(KubernetesSettings.sampleLabel(ofServiceLabel: key), value)
                }
            }
        }
        return result
    }

    /// What a load balancer's own Kubernetes tags say: `kubernetes.io/service-name` or `service.k8s.aws/stack`
    /// (`<namespace>/<service>`), else `ingress.k8s.aws/stack` (`<namespace>/<ingress>`; an IngressGroup's name
    /// says nothing).
    public static func identity(ofLoadBalancerTags tags: [AWSTag]) -> KubernetesIdentity? {
        func value(_ key: String) -> String? { tags.first { $0.key == key }?.value }
        if let (namespace, service) = namespacedName(value("kubernetes.io/service-name"))
            ?? namespacedName(value("service.k8s.aws/stack"))
        {
            return KubernetesIdentity(namespace: namespace, service: service, source: .loadBalancerTags)
        }
        if let (namespace, ingress) = namespacedName(value("ingress.k8s.aws/stack")) {
            return KubernetesIdentity(namespace: namespace, service: nil, ingress: ingress, source: .loadBalancerTags)
        }
        return nil
    }

    /// `<namespace>/<name>` split at its only `/`; `nil` for anything else (e.g. an IngressGroup name).
    static func namespacedName(_ value: String?) -> (String, String)? {
        guard let value, let slash = value.utf8.firstIndex(of: UInt8(ascii: "/")) else { return nil }
        let namespace = value[..<slash]
        let name = value[value.index(after: slash)...]
        guard !namespace.isEmpty, !name.isEmpty, !name.utf8.contains(UInt8(ascii: "/")) else { return nil }
        return (String(namespace), String(name))
    }

    /// The cluster from the cloud provider's `kubernetes.io/cluster/<name>` key or the controller's value.
    public static func clusterName(_ tags: [AWSTag]) -> String? {
        let prefix = "kubernetes.io/cluster/"
        if let tag = tags.first(where: { $0.key.hasPrefix(prefix) && $0.key.count > prefix.count }) {
            return String(tag.key.dropFirst(prefix.count))
        }
        if let tag = tags.first(where: { $0.key == "elbv2.k8s.aws/cluster" }), !tag.value.isEmpty { return tag.value }
        return nil
    }
}
