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

    /// What the store answered for the listing: covered sets need no request.
    struct Read {
        /// The sets the store answers, with their data (nil when covered and empty), by listing index.
        var answered: [(index: Int, data: DimensionSetData?)]
        /// The sets to fetch.
        var pending: [PendingSet]
        /// When the store covers every set: the sets with data, in listing order, and the number naming that
        /// answer (``RuleResult/setsVersion``).
        var covered: (version: UInt64, exported: [DimensionSetData])?
        /// The alignment of the store's entries the answers were read in.
        var listing: UInt64
        /// Sets the store answered.
        var answeredCount: Int
    }

    init(store: DatapointStore, planned: PlannedRule, scrapeTime: Date) {
        let rule = planned.rule
        self.store = store
        self.planned = planned
        self.window = ScrapeWindow(now: scrapeTime, delaySeconds: rule.delaySeconds, rangeSeconds: rule.rangeSeconds)
        self.range = DatapointStore.fetchRange(rule, window: window, now: scrapeTime)
    }

    /// The sets the store answers (with their data, `nil` when covered and empty), and the ones to fetch. The
    /// store's entries of sets `sets` no longer has are dropped here.
    func read(_ sets: [[MetricDimension]]) -> Read {
        let reading = store.read(rule: planned.id, sets: sets, window: window, statistics: planned.statistics)
        if let covered = reading.covered {
            return Read(
                answered: [],
                pending: [],
                covered: covered,
                listing: reading.listing,
                answeredCount: sets.count
            )
        }
        var answered: [(index: Int, data: DimensionSetData?)] = []
        var pending: [PendingSet] = []
        for (index, answer) in reading.answers.enumerated() {
            if let answer {
                answered.append((index, answer))
            } else {
                pending.append(PendingSet(index: index, dimensions: sets[index]))
            }
        }
        return Read(
            answered: answered,
            pending: pending,
            covered: nil,
            listing: reading.listing,
            answeredCount: answered.count
        )
    }

    /// Settles sets whose answers are all in: stores each complete one (a set with an answer missing is not
    /// stored: the store would hide the failure), and returns each set's newest data in the window, or, when its
    /// fetch failed and brought nothing in the window, the datapoint an earlier fetch returned while that is still
    /// in the window.
    func settle(_ parts: [SetPart], listing: UInt64) -> [(index: Int, data: DimensionSetData)] {
        guard !parts.isEmpty else { return [] }
        let statistics = planned.statistics
        var settled: [(index: Int, data: DimensionSetData)] = []
        var complete: [(index: Int, dimensions: [MetricDimension], points: [DimensionSetData])] = []
        for part in parts {
            let incomplete = part.failed > 0
            if !incomplete { complete.append((part.index, part.dimensions, part.points)) }
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
                    index: part.index,
                    dimensions: part.dimensions,
                    listing: listing,
                    window: window,
                    statistics: statistics
                )
            {
                settled.append((part.index, known))
            }
        }
        store.store(
            rule: planned.id,
            sets: complete,
            listing: listing,
            range: range,
            window: window,
            statistics: statistics
        )
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
        return store.lastKnown(rule: planned.id, of: sets, window: window, statistics: planned.statistics)
    }

    /// After the scrape: drops the datapoints older than the window (the sets it did not list went when it read).
    func prune() {
        store.prune(rule: planned.id, window: window)
    }
}
