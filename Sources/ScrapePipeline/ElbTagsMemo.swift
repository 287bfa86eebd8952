import Exposition
import ResourceTags
import Synchronization

/// `aws_elb_tags` as the last scrape built it, with what it was built from: in steady state it is the same family
/// every scrape, and building it sorts and labels the whole fleet.
final class ElbTagsMemo: Sendable {
    private let memo = Mutex<(key: [String], family: MetricFamily)?>(nil)

    /// The family for `targets` (each target's snapshot and `region`/`account_id` labels), built again only when a
    /// snapshot or a target's labels changed.
    func family(_ targets: [(snapshot: LoadBalancerTagSnapshot, labels: [(name: String, value: String)])])
        -> MetricFamily
    {
        let key = targets.flatMap { target in
            [String(target.snapshot.version)] + target.labels.flatMap { [$0.name, $0.value] } + ["|"]
        }
        if let kept = memo.withLock({ $0 }), kept.key == key { return kept.family }
        var family = ElbTagsFamily.make(targets)
        // The same family until a snapshot changes: its text is kept too.
        family.rendered = RenderedFamily()
        memo.withLock { $0 = (key, family) }
        return family
    }
}
