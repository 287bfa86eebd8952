/// The fields of a core/v1 Service the directory reads: metadata, `spec.type` and the load balancer hostnames.
struct ServiceObject: Decodable, Sendable {
    struct Spec: Decodable, Sendable {
        var type: String?
    }

    struct Status: Decodable, Sendable {
        struct LoadBalancer: Decodable, Sendable {
            struct Ingress: Decodable, Sendable {
                var hostname: String?
            }
            var ingress: [Lossy<Ingress>]?
        }
        var loadBalancer: LoadBalancer?
    }

    var metadata: ObjectMetadata?
    var spec: Spec?
    var status: Status?

    /// The ingress hostnames, in order, without empty ones.
    var hostnames: [String] {
        (status?.loadBalancer?.ingress ?? []).compactMap { $0.value?.hostname }.filter { !$0.isEmpty }
    }
}
