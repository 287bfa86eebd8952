import Exposition
import Synchronization

/// A family as the last scrape built it, with what it was built from (`aws_elb_tags`, `aws_elb_target_group_info`):
/// in steady state it is the same family every scrape, and building it sorts and labels the whole fleet.
final class FamilyMemo: Sendable {
    private let memo = Mutex<(key: [String], family: MetricFamily)?>(nil)

    /// The family built from what `key` stands for, built again (by `build`) only when the key changed.
    func family(key: [String], build: () -> MetricFamily) -> MetricFamily {
        let kept = memo.withLock { memo -> MetricFamily? in
            if let memo, memo.key == key { return memo.family }
            // Let go of before the new one is built: the old family and its text would otherwise be held beside
            // the new ones at the scrape's peak.
            memo = nil
            return nil
        }
        if let kept { return kept }
        var family = build()
        // The same family until the key changes: its text is kept too.
        family.rendered = RenderedFamily()
        memo.withLock { $0 = (key, family) }
        return family
    }
}
