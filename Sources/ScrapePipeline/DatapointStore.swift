import AWSServices
import ConfigFile
import FoundationEssentials
import ScrapeStatus
import Synchronization

/// The datapoints fetched per (rule, dimension set), so that scrapes whose answer cannot have changed are answered
/// without asking CloudWatch again.
///
/// A scrape at `t` exports, per dimension set, the newest datapoint whose period starts in the window
/// `[t − delay − range, t − delay)`. Datapoints start on period boundaries, so two scrapes whose windows hold the same
/// period starts get the same answer, and one request returns every datapoint of its time range for the same price.
/// A fetch at `t₀` therefore asks for `[t₀ − delay − range, t₀ − settle)` — the window plus the periods newer than it
/// that are already `settle` old, and so final — and a later scrape is answered from the store while every period
/// start its window can hold lies inside what was fetched. With `settle = delay` (the default) nothing beyond the
/// window is fetched and the store serves only scrapes in the same period slot: the output is the same as a fresh
/// fetch's, once a period instead of once a scrape.
///
/// Keyed by the rule's value, so a reload keeps the entries of the rules it did not change. Memory is bounded:
/// datapoints older than a rule's window, dimension sets a scrape no longer lists, and rules a reload removed are
/// dropped.
public final class DatapointStore: Sendable {
    /// What one fetch returned for one dimension set.
    struct Series: Sendable {
        /// What the fetch asked for: `[start, end)`, the window of the scrape that fetched, extended to the settled
        /// periods after it.
        var range: ScrapeWindow
        /// Whether the range is exactly that scrape's window (settle time = delay): then its answer is whatever
        /// CloudWatch returned, as upstream exports it.
        var isWindow: Bool
        /// The datapoints, oldest first. With GetMetricData a point holds the statistics returned at its time.
        var points: [DimensionSetData]
    }

    private let entries = Mutex<[RuleID: [[MetricDimension]: Series]]>([:])

    /// Creates an empty store.
    public init() {}

    /// Dimension sets held, over all rules (for memory checks and tests).
    public var seriesCount: Int { entries.withLock { $0.values.reduce(0) { $0 + $1.count } } }

    /// The time range a fetch at `now` asks for: the window start to `now − settle`, capped at what one
    /// GetMetricStatistics call returns (1,440 datapoints), and never shorter than the window.
    static func fetchRange(_ rule: MetricRule, window: ScrapeWindow, now: Date) -> ScrapeWindow {
        let settled = ScrapeWindow(now: now, delaySeconds: rule.effectiveSettleSeconds, rangeSeconds: 0).end
        let cap = window.start.addingTimeInterval(TimeInterval(1_440 * max(1, rule.periodSeconds)))
        var range = window
        range.end = max(window.end, min(settled, cap))
        return range
    }

    /// For each of `sets`, in order, the answer for `window` when the store covers it: `.some(data)` (nil data:
    /// covered, and no datapoint in the window), or `.none` when the window holds a period start the store did not
    /// fetch. One lock for all of a rule's sets.
    func answers(
        rule key: RuleID,
        sets: [[MetricDimension]],
        window: ScrapeWindow,
        statistics: [String]
    ) -> [DimensionSetData??] {
        let rule = key.rule
        // The rule's entries are taken out under the lock (a reference, not a copy) and read outside it; this copy
        // ends with the call, before the scrape stores what it fetches (a write while it lived would copy them all).
        guard let held = entries.withLock({ $0[key] }),
            let periods = Self.periodStarts(in: window, period: rule.periodSeconds)
        else { return Array(repeating: .none, count: sets.count) }
        return sets.map { dimensions -> DimensionSetData?? in
            guard let series = held[dimensions],
                let fetched = Self.periodStarts(in: series.range, period: rule.periodSeconds),
                fetched.first <= periods.first, periods.last <= fetched.last
            else { return .none }
            if series.isWindow {
                // Same period slot as the fetch (nothing newer was fetched): the answer of that fetch.
                guard periods == fetched else { return .none }
                return .some(Self.newest(in: series.points, window: nil, rule: rule, statistics: statistics))
            }
            return .some(Self.newest(in: series.points, window: window, rule: rule, statistics: statistics))
        }
    }

    /// The newest data of a dimension set inside `window` whatever the store covers: after a failed request, the
    /// series keeps the datapoint an earlier fetch returned while that is still in the window.
    func lastKnown(
        rule key: RuleID,
        dimensions: [MetricDimension],
        window: ScrapeWindow,
        statistics: [String]
    ) -> DimensionSetData? {
        guard let series = entries.withLock({ $0[key]?[dimensions] }) else { return nil }
        return Self.newest(in: series.points, window: window, rule: key.rule, statistics: statistics)
    }

    /// The dimension sets held for `rule`, in a stable order (by their dimensions' text).
    func dimensionSets(rule: RuleID) -> [[MetricDimension]] {
        let sets = entries.withLock { $0[rule].map { Array($0.keys) } ?? [] }
        return sets.sorted { left, right in
            left.map { "\($0.name)=\($0.value)" }.joined(separator: ",")
                < right.map { "\($0.name)=\($0.value)" }.joined(separator: ",")
        }
    }

    /// For every dimension set held for `rule` (in ``dimensionSets(rule:)`` order), its newest data in `window`:
    /// what a rule whose discovery failed, or a request answered from the store alone, exports.
    func lastKnownSets(rule: RuleID, window: ScrapeWindow, statistics: [String]) -> [DimensionSetData] {
        dimensionSets(rule: rule).compactMap {
            lastKnown(rule: rule, dimensions: $0, window: window, statistics: statistics)
        }
    }

    /// Stores what a fetch of `range` (for the scrape `window`) returned for a dimension set (an empty `points` is
    /// stored too: "no data" is an answer worth keeping).
    func store(
        rule: RuleID,
        dimensions: [MetricDimension],
        range: ScrapeWindow,
        window: ScrapeWindow,
        points: [DimensionSetData]
    ) {
        store(rule: rule, sets: [(dimensions, points)], range: range, window: window)
    }

    /// Stores what one fetch returned for each of `sets`, under one lock (a GetMetricData request's sets).
    func store(
        rule: RuleID,
        sets: [(dimensions: [MetricDimension], points: [DimensionSetData])],
        range: ScrapeWindow,
        window: ScrapeWindow
    ) {
        guard !sets.isEmpty else { return }
        let series = sets.map { dimensions, points in
            (dimensions, Series(range: range, isWindow: range == window, points: Self.oldestFirst(points)))
        }
        entries.withLock { entries in
            // Taken out while written, so that the writes do not copy the rule's entries.
            var held = entries.removeValue(forKey: rule) ?? [:]
            for (dimensions, entry) in series { held[dimensions] = entry }
            entries[rule] = held
        }
    }

    /// Oldest first; equal timestamps keep CloudWatch's order (upstream takes the first of them). Most answers come
    /// in order already: then nothing is copied.
    private static func oldestFirst(_ points: [DimensionSetData]) -> [DimensionSetData] {
        let inOrder = zip(points, points.dropFirst()).allSatisfy {
            ($0.timestamp ?? .distantPast) <= ($1.timestamp ?? .distantPast)
        }
        if inOrder { return points }
        return points.enumerated().sorted { left, right in
            let (a, b) = (left.element.timestamp ?? .distantPast, right.element.timestamp ?? .distantPast)
            return a != b ? a < b : left.offset < right.offset
        }.map(\.element)
    }

    /// After a scrape of `rule`: drops the dimension sets the scrape did not list (deleted load balancers, a changed
    /// regex), and, from fetches that reached past their window, the datapoints older than `window` (windows only
    /// move forward). A fetch of exactly its window keeps its answer as CloudWatch gave it; the next fetch of the
    /// set replaces it. So the store holds at most one fetch per listed dimension set, and never more sets than the
    /// scrape listed.
    ///
    /// Profiled, comparing every entry with the listing on every scrape was a twelfth of a 20,000-series scrape
    /// answered from the store, so that is done only when the rule holds more sets than were listed. The store
    /// can then hold a set no longer listed only while a listed one is missing (its fetch failed); the next fetch of
    /// the missing set brings the count over and evicts it.
    func prune(rule: RuleID, keeping listed: [[MetricDimension]], window: ScrapeWindow) {
        let start = window.start.addingTimeInterval(-60)
        let fetchesPastWindow = rule.rule.effectiveSettleSeconds < rule.rule.delaySeconds
        entries.withLock { entries in
            guard var sets = entries[rule], sets.count > listed.count || fetchesPastWindow else { return }
            // Taken out so the writes below do not copy the rule's entries.
            entries[rule] = nil
            if sets.count > listed.count {
                let keep = Set(listed)
                sets = sets.filter { keep.contains($0.key) }
            }
            if fetchesPastWindow {
                for (dimensions, var series) in sets where !series.isWindow {
                    series.points.removeAll { ($0.timestamp ?? .distantPast) < start }
                    sets[dimensions] = series
                }
            }
            entries[rule] = sets
        }
    }

    /// Keeps only the entries of `rules` (a reload's new plan).
    func retain(rules: Set<RuleID>) {
        entries.withLock { entries in entries = entries.filter { rules.contains($0.key) } }
    }

    /// The first and last period start a window of `period`-second periods can hold; nil when it holds none.
    static func periodStarts(in window: ScrapeWindow, period: Int) -> (first: Date, last: Date)? {
        let step = Double(max(1, period))
        let first = (window.start.timeIntervalSince1970 / step).rounded(.up) * step
        let last = ((window.end.timeIntervalSince1970 / step).rounded(.up) - 1) * step
        guard first <= last else { return nil }
        return (Date(timeIntervalSince1970: first), Date(timeIntervalSince1970: last))
    }

    /// What a fetch of exactly `window` would have made of `points`: with GetMetricStatistics the newest datapoint
    /// (the first of equal timestamps); with GetMetricData each statistic's newest value, and the timestamp of the
    /// first statistic (in query order) that has one. A nil `window` takes every point, as upstream takes whatever
    /// CloudWatch returned. The window's start is rounded down as CloudWatch rounds a request's StartTime (to the
    /// minute, or to the period below a minute), so a datapoint a fetch of the window would return is never missed.
    static func newest(
        in points: [DimensionSetData],
        window: ScrapeWindow?,
        rule: MetricRule,
        statistics: [String]
    ) -> DimensionSetData? {
        var bounds: (start: Date, end: Date)?
        if let window {
            let granularity = Double(min(60, max(1, rule.periodSeconds)))
            let start = (window.start.timeIntervalSince1970 / granularity).rounded(.down) * granularity
            bounds = (Date(timeIntervalSince1970: start), window.end)
        }
        // The greatest timestamp in the window (of points with `statistic`, when given); of equal ones the first, in
        // CloudWatch's order (as upstream). One pass, no filtered copies: this runs for every set of every scrape.
        func newest(having statistic: String?) -> DimensionSetData? {
            var best: DimensionSetData?
            for point in points {
                guard let timestamp = point.timestamp else { continue }
                if let bounds, timestamp < bounds.start || timestamp >= bounds.end { continue }
                if let current = best?.timestamp, current >= timestamp { continue }
                if let statistic, point[statistic] == nil { continue }
                best = point
            }
            return best
        }
        guard rule.useGetMetricData else { return newest(having: nil) }
        var data: DimensionSetData?
        for statistic in statistics {
            guard let point = newest(having: statistic), let value = point[statistic] else { continue }
            if data == nil {
                data = DimensionSetData(dimensions: point.dimensions, timestamp: point.timestamp, unit: "N/A")
            }
            data?[statistic] = value
        }
        return data
    }
}
