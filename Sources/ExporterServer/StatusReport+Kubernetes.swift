import AWSServices
import ConfigFile
import FoundationEssentials
import KubernetesAPI
import ResourceTags
import ScrapePipeline

extension StatusReport {
    /// The Kubernetes API source, when on: each resource's list-and-watch state.
    public struct KubernetesSource: Sendable {
        /// One watched resource.
        public struct Resource: Sendable {
            /// `services` or `targetgroupbindings`.
            public var name: String
            /// `starting`, `synced`, `failing`, `not_installed` or `disabled`.
            public var state: String
            public var syncedSince: Date?
            public var failingSince: Date?
            /// The last error, without secrets (the source never keeps a token in one).
            public var lastError: String?
            public var notInstalledSince: Date?
            public var objects: Int
        }

        public var resources: [Resource]
    }

    /// One ELBv2 target group of the tag cache: which load balancer and Service it belongs to, and how that was
    /// learned.
    public struct TargetGroup: Sendable {
        /// The CloudWatch `TargetGroup` dimension value, `targetgroup/NAME/ID`.
        public var name: String
        /// The load balancers it serves (`app/NAME/ID`).
        public var loadBalancers: [String]
        public var namespace: String?
        public var service: String?
        public var port: String?
        public var ingress: String?
        /// `kubernetes_api`, `target_group_tags`, `load_balancer_tags`, or `none`.
        public var source: String
        /// Why the Service is not certain, or where two sources disagree.
        public var notes: [String]
        /// Its region and credential source, when the config has several.
        public var target: AWSTarget?
    }

    /// A Kubernetes Service and what fronts it: the load balancers and target groups whose series carry its figures.
    public struct ServiceFront: Sendable {
        public var namespace: String
        public var service: String
        public var loadBalancers: [String]
        public var targetGroups: [String]
    }

    static func kubernetesSource(_ directory: KubernetesServiceDirectory?) -> KubernetesSource? {
        guard let directory else { return nil }
        let snapshot = directory.snapshot
        func resource(_ name: String, _ status: KubernetesSyncStatus) -> KubernetesSource.Resource {
            KubernetesSource.Resource(
                name: name,
                state: status.state.rawValue,
                syncedSince: status.syncedSince,
                failingSince: status.failingSince,
                lastError: status.lastError.map(ConfigExcerpt.of),
                notInstalledSince: status.notInstalledSince,
                objects: status.objectCount
            )
        }
        return KubernetesSource(resources: [
            resource("services", snapshot.serviceStatus),
            resource("targetgroupbindings", snapshot.targetGroupBindingStatus),
        ])
    }

    /// The target groups of every target's tag cache, with their Service as the series get it (the Kubernetes API
    /// over the tags) and notes where the Service is uncertain or the sources disagree.
    static func targetGroupStatus(
        _ snapshots: [(snapshot: LoadBalancerTagSnapshot, target: AWSTarget?)],
        identities: KubernetesIdentityResolver
    ) -> [TargetGroup] {
        var rows: [TargetGroup] = []
        let tagsOnly = KubernetesIdentityResolver(kubernetes: nil)
        for (snapshot, target) in snapshots {
            for record in snapshot.targetGroups.values.sorted(by: { $0.dimensionValue < $1.dimensionValue }) {
                let loadBalancers = record.loadBalancerARNs.compactMap { snapshot.loadBalancer(arn: $0) }
                let identity =
                    identities.identity(
                        ofTargetGroup: record.dimensionValue,
                        record: record,
                        loadBalancer: loadBalancers.first
                    ) ?? loadBalancers.first.flatMap { TagLabelDeriver.identity(ofLoadBalancerTags: $0.tags) }
                var notes: [String] = []
                let backend = TargetGroupConventions.backend(
                    targetGroupName: record.name,
                    targetGroupTags: record.tags,
                    loadBalancerTags: loadBalancers.first?.tags ?? []
                )
                if identity?.source != .kubernetesAPI, let backend, backend.service == nil {
                    let readings = backend.ambiguousReadings.map { "\($0.ingress) → \($0.service)" }
                    notes.append(
                        "ambiguous: the controller's tag \(backend.namespace)/<ingress>-<service> reads as "
                            + readings.joined(separator: " or ")
                            + "; only the namespace is labelled (the Kubernetes API source settles it)"
                    )
                }
                if identity?.source == .kubernetesAPI,
                    let tagged = tagsOnly.identity(
                        ofTargetGroup: record.dimensionValue,
                        record: record,
                        loadBalancer: loadBalancers.first
                    ), let identity,
                    tagged.namespace != identity.namespace
                        || (tagged.service != nil && tagged.service != identity.service)
                {
                    notes.append(
                        "the Kubernetes API says \(identity.namespace)/\(identity.service ?? "?"), the tags say "
                            + "\(tagged.namespace)/\(tagged.service ?? "?"): the Kubernetes API wins"
                    )
                }
                if identity == nil {
                    notes.append(
                        "no Kubernetes tags and no TargetGroupBinding: its series carry no namespace or Service"
                    )
                }
                rows.append(
                    TargetGroup(
                        name: record.dimensionValue,
                        loadBalancers: loadBalancers.map(\.dimensionValue),
                        namespace: identity?.namespace,
                        service: identity?.service,
                        port: identity?.port,
                        ingress: identity?.ingress,
                        source: identity?.source.rawValue ?? "none",
                        notes: notes,
                        target: target
                    )
                )
            }
        }
        return rows
    }

    /// Per Service, the load balancers and target groups whose series carry its figures.
    static func serviceFronts(loadBalancers: [LoadBalancer], targetGroups: [TargetGroup]) -> [ServiceFront] {
        struct Key: Hashable, Comparable {
            var namespace: String
            var service: String
            static func < (a: Key, b: Key) -> Bool { (a.namespace, a.service) < (b.namespace, b.service) }
        }
        var fronts: [Key: ServiceFront] = [:]
        for lb in loadBalancers {
            guard let namespace = lb.namespace, let service = lb.service else { continue }
            let key = Key(namespace: namespace, service: service)
            fronts[
                key,
                default: ServiceFront(namespace: namespace, service: service, loadBalancers: [], targetGroups: [])
            ]
            .loadBalancers.append(lb.name)
        }
        for group in targetGroups {
            guard let namespace = group.namespace, let service = group.service else { continue }
            let key = Key(namespace: namespace, service: service)
            fronts[
                key,
                default: ServiceFront(namespace: namespace, service: service, loadBalancers: [], targetGroups: [])
            ]
            .targetGroups.append(group.name)
        }
        return fronts.sorted { $0.key < $1.key }.map(\.value)
    }
}
