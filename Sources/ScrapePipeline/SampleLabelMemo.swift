import AWSServices
import ConfigFile
import Synchronization

/// Each planned rule's sample labels per dimension set, kept from scrape to scrape while what they derive from —
/// the tag snapshot, the Kubernetes snapshot and the target's `region` / `account_id` labels — is unchanged.
///
/// A sample's labels are a pure function of the plan, the dimension set, the target labels and the load balancer's
/// tags, and in steady state none of these change between scrapes. Profiled on a 20,000-series scrape answered from
/// the datapoint store, deriving them again (tag look-up, Kubernetes tag parsing, clash checks) was the largest
/// single cost. Memory stays bounded: a rule keeps the labels of the sets its last scrape exported only. Rules that
/// derive the same labels (the same target, namespace and tag settings: `RequestCount` and `Latency` of one load
/// balancer) share one array per set, and each array is exactly as long as its labels, so a load balancer's labels
/// are held once, not once per rule and statistic.
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

    /// Rules whose labels for a set are the same: the derivation reads the rule's target, namespace and tag label
    /// settings only (the `job` and dimension label names follow from the namespace and the dimension names).
    struct Scope: Hashable, Sendable {
        var target: AWSTarget
        var namespace: String
        var tagLabels: TagLabelSettings

        init(target: AWSTarget, namespace: String, tagLabels: TagLabelSettings) {
            self.target = target
            self.namespace = namespace
            self.tagLabels = tagLabels
        }

        init(_ planned: PlannedRule) {
            self.init(target: planned.target, namespace: planned.rule.awsNamespace, tagLabels: planned.rule.tagLabels)
        }
    }

    private struct Entry {
        var scope: Scope?
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

    /// Sets with labels kept, over all rules (for memory checks and tests).
    var setCount: Int { entries.withLock { $0.values.reduce(0) { $0 + $1.labels.count } } }

    /// Labels for `sets` of `rule`, each from the memo when derived for the same `stamp` (by this rule, or by a rule
    /// of the same `scope`), otherwise from `derive` (and kept).
    func labels(
        rule: RuleID,
        scope: Scope? = nil,
        stamp: Stamp,
        sets: [[MetricDimension]],
        derive: ([MetricDimension]) -> Labels
    ) -> [Labels] {
        // Taken out while in use and let go of before adding to it, so adding does not copy it.
        var (previous, siblings) = entries.withLock { entries -> (Entry?, [[[MetricDimension]: Labels]]) in
            let previous = entries.removeValue(forKey: rule)
            guard let scope else { return (previous, []) }
            let siblings = entries.values.filter { $0.scope == scope && $0.stamp == stamp }.map(\.labels)
            return (previous, siblings)
        }
        var known: [[MetricDimension]: Labels] = [:]
        if let previous, previous.stamp == stamp { known = previous.labels }
        previous = nil
        var result: [Labels] = []
        result.reserveCapacity(sets.count)
        for dimensions in sets {
            if let labels = known[dimensions] {
                result.append(labels)
                continue
            }
            let labels =
                siblings.lazy.compactMap { $0[dimensions] }.first
                // Exactly as long as it is: derived labels grow by appending, with room to spare.
                ?? derive(dimensions).withUnsafeBufferPointer { Labels($0) }
            known[dimensions] = labels
            result.append(labels)
        }
        if known.count > sets.count {
            // Sets no longer exported: keep only this scrape's.
            known = Dictionary(zip(sets, result), uniquingKeysWith: { first, _ in first })
        }
        let entry = Entry(scope: scope, stamp: stamp, labels: known)
        entries.withLock { $0[rule] = entry }
        return result
    }
}
