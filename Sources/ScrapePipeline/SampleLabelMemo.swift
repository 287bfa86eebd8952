import AWSServices
import ConfigFile
import Synchronization

/// Each planned rule's sample labels per dimension set, kept from scrape to scrape while what they derive from —
/// the tag snapshot, the Kubernetes snapshot and the target's `region` / `account_id` labels — is unchanged.
///
/// A sample's labels are a pure function of the plan, the dimension set, the target labels and the load balancer's
/// tags, and in steady state none of these change between scrapes. Profiled on a 20,000-series scrape answered from
/// the datapoint store, deriving them again (tag look-up, Kubernetes tag parsing, clash checks) was the largest
/// single cost. Memory stays bounded: a rule keeps the labels of the sets its last scrape exported only.
final class SampleLabelMemo: Sendable {
    typealias Labels = [(name: String, value: String)]

    /// What a rule's labels were derived from.
    struct Stamp: Equatable {
        var tagVersion: UInt64
        var kubernetesVersion: UInt64
        var targetLabels: [String]

        init(tagVersion: UInt64, kubernetesVersion: UInt64 = 0, targetLabels: Labels) {
            self.tagVersion = tagVersion
            self.kubernetesVersion = kubernetesVersion
            self.targetLabels = targetLabels.flatMap { [$0.name, $0.value] }
        }
    }

    private struct Entry {
        var stamp: Stamp
        var labels: [[MetricDimension]: Labels]
    }

    private let entries: Mutex<[RuleID: Entry]>

    init() { entries = Mutex([:]) }

    /// Keeps only the entries of `rules` (a reload's plan).
    func retain(rules: Set<RuleID>) {
        entries.withLock { entries in entries = entries.filter { rules.contains($0.key) } }
    }

    /// Rules with labels kept (for memory checks and tests).
    var ruleCount: Int { entries.withLock { $0.count } }

    /// Labels for `sets` of `rule`, each from the memo when derived for the same `stamp`, otherwise from `derive`
    /// (and kept).
    func labels(
        rule: RuleID,
        stamp: Stamp,
        sets: [[MetricDimension]],
        derive: ([MetricDimension]) -> Labels
    ) -> [Labels] {
        // Taken out while in use and let go of before adding to it, so adding does not copy it.
        var previous = entries.withLock { $0.removeValue(forKey: rule) }
        var known = previous?.stamp == stamp ? previous?.labels ?? [:] : [:]
        previous = nil
        var result: [Labels] = []
        result.reserveCapacity(sets.count)
        for dimensions in sets {
            if let labels = known[dimensions] {
                result.append(labels)
            } else {
                let labels = derive(dimensions)
                known[dimensions] = labels
                result.append(labels)
            }
        }
        var kept = known
        if kept.count > sets.count {
            // Sets no longer exported: keep only this scrape's.
            kept = Dictionary(zip(sets, result), uniquingKeysWith: { first, _ in first })
        }
        let entry = Entry(stamp: stamp, labels: kept)
        entries.withLock { $0[rule] = entry }
        return result
    }
}
