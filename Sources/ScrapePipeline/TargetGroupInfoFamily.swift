import AWSServices
import Exposition
import ResourceTags

/// `aws_elb_target_group_info`: one series per target group (and load balancer it serves), saying which load
/// balancer, namespace, Service and port it belongs to and where that was learned — the join from a target group to
/// its Service, and what the per-Service rules and dashboards read.
enum TargetGroupInfoFamily {
    static let name = "aws_elb_target_group_info"

    /// - Parameters:
    ///   - targets: Each target's snapshot with its `region` and `account_id` labels (none with one region and
    ///     account), which come right after the load balancer.
    ///   - identities: The Kubernetes API's view, over the tags'.
    ///   - clusterLabel: `tag_labels.cluster_label`, or nil when off.
    static func make(
        _ targets: [(snapshot: LoadBalancerTagSnapshot, labels: [(name: String, value: String)])],
        identities: KubernetesIdentityResolver,
        clusterLabel: String?
    ) -> MetricFamily {
        var samples: [Sample] = []
        for target in targets {
            for record in target.snapshot.targetGroups.values.sorted(by: { $0.dimensionValue < $1.dimensionValue }) {
                let served = record.loadBalancerARNs.map { target.snapshot.loadBalancer(arn: $0) }
                for loadBalancer in served.isEmpty ? [nil] : served {
                    let identity =
                        identities.identity(
                            ofTargetGroup: record.dimensionValue,
                            record: record,
                            loadBalancer: loadBalancer
                        ) ?? loadBalancer.flatMap { TagLabelDeriver.identity(ofLoadBalancerTags: $0.tags) }
                    var labels: [(name: String, value: String)] = [
                        ("target_group", record.dimensionValue), ("load_balancer", loadBalancer?.dimensionValue ?? ""),
                    ]
                    labels += target.labels
                    if let identity {
                        labels.append(("namespace", identity.namespace))
                        if let service = identity.service { labels.append(("service", service)) }
                        if let port = identity.port { labels.append(("port", port)) }
                        if let ingress = identity.ingress { labels.append(("ingress", ingress)) }
                    }
                    if let clusterLabel, let cluster = TagLabelDeriver.clusterName(loadBalancer?.tags ?? record.tags),
                        !labels.contains(where: { $0.name == clusterLabel })
                    {
                        labels.append((clusterLabel, cluster))
                    }
                    labels.append(("source", identity?.source.rawValue ?? "none"))
                    samples.append(Sample(name: name, labels: labels, value: 1))
                }
            }
        }
        return MetricFamily(
            name: name,
            help: "Which load balancer, namespace, Service and port an ELBv2 target group belongs to, and the source.",
            type: .gauge,
            samples: samples
        )
    }
}
