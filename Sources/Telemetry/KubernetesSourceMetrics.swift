public import Exposition
public import KubernetesAPI

/// The Kubernetes API source's own metrics, read from its statistics and snapshot when a scrape is answered (only
/// when `kubernetes.enabled`). Counters start again when a reload changes the source's settings (a new source).
public enum KubernetesSourceMetrics {
    /// `cloudwatch_exporter_kubernetes_api_requests_total{verb,resource,code}`, the watch restarts and relists per
    /// resource, and per resource whether it is in sync and how many objects the mapping holds.
    public static func families(
        statistics: KubernetesAPIStatistics,
        snapshot: KubernetesDirectorySnapshot
    ) -> [MetricFamily] {
        let requests = statistics.requests.sorted {
            ($0.key.verb, $0.key.resource, $0.key.code) < ($1.key.verb, $1.key.resource, $1.key.code)
        }
        let statuses = [
            ("services", snapshot.serviceStatus), ("targetgroupbindings", snapshot.targetGroupBindingStatus),
        ]
        return [
            MetricFamily(
                name: "cloudwatch_exporter_kubernetes_api_requests",
                help: "Requests to the Kubernetes API server, by verb, resource and HTTP status (or error).",
                type: .counter,
                samples: requests.map { key, count in
                    Sample(
                        name: "cloudwatch_exporter_kubernetes_api_requests_total",
                        labels: [("verb", key.verb), ("resource", key.resource), ("code", key.code)],
                        value: Double(count)
                    )
                }
            ),
            counter(
                "cloudwatch_exporter_kubernetes_watch_restarts",
                "Watches of the Kubernetes API that ended and were started again, by resource.",
                statistics.watchRestarts
            ),
            counter(
                "cloudwatch_exporter_kubernetes_relists",
                "Full lists of a resource after the first (410 Gone, or a failure), by resource.",
                statistics.relists
            ),
            MetricFamily(
                name: "cloudwatch_exporter_kubernetes_synced",
                help: "1 when the resource's list and watch are in sync with the API server, by resource.",
                type: .gauge,
                samples: statuses.map { resource, status in
                    Sample(
                        name: "cloudwatch_exporter_kubernetes_synced",
                        labels: [("resource", resource)],
                        value: status.state == .synced ? 1 : 0
                    )
                }
            ),
            MetricFamily(
                name: "cloudwatch_exporter_kubernetes_objects",
                help: "Objects of the resource the Kubernetes source keeps, by resource.",
                type: .gauge,
                samples: statuses.map { resource, status in
                    Sample(
                        name: "cloudwatch_exporter_kubernetes_objects",
                        labels: [("resource", resource)],
                        value: Double(status.objectCount)
                    )
                }
            ),
        ]
    }

    private static func counter(_ name: String, _ help: String, _ counts: [String: Int]) -> MetricFamily {
        MetricFamily(
            name: name,
            help: help,
            type: .counter,
            samples: counts.sorted { $0.key < $1.key }.map {
                Sample(name: name + "_total", labels: [("resource", $0.key)], value: Double($0.value))
            }
        )
    }
}
