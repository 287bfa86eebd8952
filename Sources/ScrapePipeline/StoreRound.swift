import AWSServices
import ConfigFile
import FoundationEssentials
import ScrapeStatus

/// One planned rule's use of the datapoint store in one scrape: which dimension sets the store answers, what a fetch
/// stores, what a set whose fetch failed falls back to, and what is pruned afterwards. The one owner of the store's
/// read, write and fallback policy.
struct StoreRound {
    let store: DatapointStore
    let planned: PlannedRule
    /// The scrape's window for the rule.
    let window: ScrapeWindow
    /// What a fetch asks for: the window, extended to the periods after it that are already settled.
    let range: ScrapeWindow

    init(store: DatapointStore, planned: PlannedRule, scrapeTime: Date) {
        let rule = planned.rule
        self.store = store
        self.planned = planned
        self.window = ScrapeWindow(now: scrapeTime, delaySeconds: rule.delaySeconds, rangeSeconds: rule.rangeSeconds)
        self.range = DatapointStore.fetchRange(rule, window: window, now: scrapeTime)
    }

    /// The sets the store answers (with their data, `nil` when covered and empty), and the ones to fetch. Every
    /// set is asked at once, before any fetch stores into the rule's entries (a read while one writes would copy
    /// them).
    func read(_ sets: [[MetricDimension]]) -> (answered: [(index: Int, data: DimensionSetData?)], pending: [PendingSet])
    {
        let answers = store.answers(rule: planned.id, sets: sets, window: window, statistics: planned.statistics)
        var answered: [(index: Int, data: DimensionSetData?)] = []
        var pending: [PendingSet] = []
        for (index, answer) in answers.enumerated() {
            if let answer {
                answered.append((index, answer))
            } else {
                pending.append(PendingSet(index: index, dimensions: sets[index]))
            }
        }
        return (answered, pending)
    }

    /// Settles sets whose answers are all in: stores each complete one whole (a set with an answer missing is not
    /// stored: the store would hide the failure), and returns each set's newest data in the window, or, when its
    /// fetch failed and brought nothing in the window, the datapoint an earlier fetch returned while that is still
    /// in the window.
    func settle(_ parts: [SetPart]) -> [(index: Int, data: DimensionSetData)] {
        guard !parts.isEmpty else { return [] }
        let statistics = planned.statistics
        var settled: [(index: Int, data: DimensionSetData)] = []
        var complete: [(dimensions: [MetricDimension], points: [DimensionSetData])] = []
        for part in parts {
            let incomplete = part.failed > 0
            if !incomplete { complete.append((part.dimensions, part.points)) }
            if let newest = DatapointStore.newest(
                in: part.points,
                window: range == window ? nil : window,
                rule: planned.rule,
                statistics: statistics
            ) {
                settled.append((part.index, newest))
            } else if incomplete,
                let known = store.lastKnown(
                    rule: planned.id,
                    dimensions: part.dimensions,
                    window: window,
                    statistics: statistics
                )
            {
                settled.append((part.index, known))
            }
        }
        store.store(rule: planned.id, sets: complete, range: range, window: window)
        return settled
    }

    /// What the store holds for the rule in the window, for a rule whose discovery failed: its sets keep their
    /// datapoints while those are in the window. Not for `aws_tag_select` rules, whose sets depend on the tags of
    /// the moment.
    func lastKnown() -> [DimensionSetData] {
        guard planned.rule.tagSelect == nil else { return [] }
        return store.lastKnownSets(rule: planned.id, window: window, statistics: planned.statistics)
    }

    /// The newest data in the window of each of `sets` that the store holds, in their order (an answer from the
    /// store alone). Not for `aws_tag_select` rules.
    func lastKnown(of sets: [[MetricDimension]]) -> [DimensionSetData] {
        guard planned.rule.tagSelect == nil else { return [] }
        return sets.compactMap {
            store.lastKnown(rule: planned.id, dimensions: $0, window: window, statistics: planned.statistics)
        }
    }

    /// After the scrape: drops the sets it did not list, and datapoints older than the window.
    func prune(listed sets: [[MetricDimension]]) {
        store.prune(rule: planned.id, keeping: sets, window: window)
    }
}
