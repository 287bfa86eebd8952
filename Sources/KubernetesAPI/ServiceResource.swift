import FoundationEssentials

/// Services in all namespaces. A Service is kept when it is of type `LoadBalancer` with hostnames, or when it has an
/// allowlisted label. The type is filtered here, not with a field selector, which not every API server supports for
/// Services.
struct ServiceResource: WatchableResource {
    let labelAllowlist: Set<String>

    var name: String { "services" }
    var path: String { "/api/v1/services" }
    var mayBeAbsent: Bool { false }

    func configure(_ decoder: JSONDecoder) {
        if let key = ObjectMetadata.labelAllowlistKey { decoder.userInfo[key] = labelAllowlist }
    }

    func metadata(of object: ServiceObject) -> ObjectMetadata? { object.metadata }

    func record(of object: ServiceObject, named name: KubernetesObjectName) -> KubernetesService? {
        var hostnames: [String] = []
        if object.spec?.type == "LoadBalancer" {
            for hostname in object.hostnames {
                let normalized = KubernetesHostname.normalized(hostname)
                if !normalized.isEmpty && !hostnames.contains(normalized) { hostnames.append(normalized) }
            }
        }
        let labels = object.metadata?.labels ?? [:]
        guard !hostnames.isEmpty || !labels.isEmpty else { return nil }
        return KubernetesService(name: name, loadBalancerHostnames: hostnames, labels: labels)
    }
}
