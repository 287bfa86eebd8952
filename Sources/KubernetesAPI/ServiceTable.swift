/// The Services kept, with an index from normalised load balancer hostname to Service.
struct ServiceTable: Sendable {
    private(set) var services: [KubernetesObjectName: KubernetesService] = [:]
    private var byHostname = ClaimIndex<KubernetesObjectName>()

    init() {}

    /// A table of exactly these Services (after a list).
    init(_ services: [KubernetesObjectName: KubernetesService]) {
        self.services = services
        for (name, service) in services {
            for hostname in service.loadBalancerHostnames { byHostname.add(hostname, name) }
        }
    }

    /// Sets or removes (nil) one Service.
    /// - Returns: Whether anything changed.
    mutating func set(_ name: KubernetesObjectName, _ service: KubernetesService?) -> Bool {
        let old = services[name]
        guard old != service else { return false }
        for hostname in old?.loadBalancerHostnames ?? [] { byHostname.remove(hostname, name) }
        for hostname in service?.loadBalancerHostnames ?? [] { byHostname.add(hostname, name) }
        services[name] = service
        return true
    }

    /// The Service whose load balancer has this DNS name (compared normalised).
    func service(forHostname hostname: String) -> KubernetesService? {
        byHostname.firstOwner(of: KubernetesHostname.normalized(hostname)).flatMap { services[$0] }
    }
}
