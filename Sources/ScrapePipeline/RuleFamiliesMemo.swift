import ConfigFile
import Exposition
import Synchronization

/// Each planned rule's families as they were last built from sets the datapoint store answered whole, kept while
/// those sets (``RuleResult/setsVersion``) and what the labels derive from (the stamp) are the same: a scrape the
/// store answers exports the same families, and building them sample by sample was a fifth of such a scrape at
/// 100,000 series. The families keep their rendered text (``MetricFamily/rendered``), so they are not formatted
/// again either.
final class RuleFamiliesMemo: Sendable {
    private struct Entry {
        var version: UInt64
        var stamp: SampleLabelMemo.Stamp
        var families: [MetricFamily]
    }

    private let entries = Mutex<[RuleID: Entry]>([:])

    init() {}

    /// Rules with families kept (for memory checks and tests).
    var ruleCount: Int { entries.withLock { $0.count } }

    /// Lets go of `rule`'s families: its sets are being fetched again, so they cannot be exported again, and their
    /// text would be held through the fetch (at 100,000 series, 27 MiB beside the fetch's own peak).
    func forget(rule: RuleID) {
        _ = entries.withLock { $0.removeValue(forKey: rule) }
    }

    /// The families of `rule` for sets named `version` and labels derived under `stamp`: those kept, or built with
    /// `build` (and kept, with a place for their text). Without a version (sets not answered whole by the store)
    /// they are built and the rule keeps nothing.
    func families(
        rule: RuleID,
        version: UInt64?,
        stamp: SampleLabelMemo.Stamp,
        build: () -> [MetricFamily]
    ) -> [MetricFamily] {
        guard let version else {
            entries.withLock { _ = $0.removeValue(forKey: rule) }
            return build()
        }
        let kept = entries.withLock { entries -> [MetricFamily]? in
            guard let entry = entries[rule] else { return nil }
            if entry.version == version, entry.stamp == stamp { return entry.families }
            // Let go of before the new families are built: the old ones and their text would otherwise be held
            // beside the new ones at the scrape's peak.
            entries[rule] = nil
            return nil
        }
        if let kept { return kept }
        var families = build()
        for index in families.indices { families[index].rendered = RenderedFamily() }
        let entry = Entry(version: version, stamp: stamp, families: families)
        entries.withLock { $0[rule] = entry }
        return families
    }
}
