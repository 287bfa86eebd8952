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
/// Keyed by the rule's value, so a reload keeps the entries of the rules it did not change. A rule's entries are
/// kept in the order of its last listing (an array, not a dictionary per set: profiled at 100,000 series, hashing
/// every set's dimensions twice per scrape was a fifth of a scrape answered from the store, and a dictionary entry
/// per series a tenth of the memory). Memory is bounded by what the windows can still answer: the sets the last
/// listing has (a set no longer listed is dropped when the listing is read), and of a fetch of exactly its window
/// only the datapoints an answer can be (the newest), of a fetch past its window the datapoints still in the
/// window; rules a reload removed are dropped.
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
        var points: StoredPoints
    }

    /// One rule's entries, aligned with the listing they were last read for.
    struct RuleEntries: Sendable {
        /// The dimension sets, in the order of the listing the entries are aligned to.
        var sets: [[MetricDimension]] = []
        /// Each set's series (nil: nothing stored), aligned with `sets`.
        var series: [Series?] = []
        /// Names the alignment: writes made for a listing are placed by index while it is the same.
        var listing: UInt64 = 0
        /// Changes with every write, so an answer computed before is known to be still good.
        var generation: UInt64 = 0
        /// The answer of the last reading that every set was covered in.
        var answer: CachedAnswer?

        var count: Int { series.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }
    }

    /// Every set's answer for one window, as the sets with data in listing order.
    struct CachedAnswer: Sendable {
        var generation: UInt64
        /// What the answer depends on besides the entries: the window's first and last period start and, for a rule
        /// whose fetches reach past the window, the window itself.
        var key: [Double]
        var version: UInt64
        var exported: [DimensionSetData]
    }

    /// What the store answers for a rule's listing in one window.
    struct Reading: Sendable {
        /// Each set's answer, in listing order: `.some(data)` when the store covers the window (nil data: covered,
        /// and no datapoint in it), `.none` when it must be fetched. Empty when `unchanged` is set.
        var answers: [DimensionSetData??]
        /// Set when every set is covered: the sets with data in listing order, and a number naming that answer
        /// (the same number while the entries and the window's period starts are the same, so that what is built
        /// from the answer can be kept under it).
        var covered: (version: UInt64, exported: [DimensionSetData])?
        /// The alignment the answers were read in (writes of the round go by index while it holds).
        var listing: UInt64
    }

    private let entries = Mutex<[RuleID: RuleEntries]>([:])
    private static let versions = Atomic<UInt64>(0)

    /// Creates an empty store.
    public init() {}

    /// Dimension sets held, over all rules (for memory checks and tests).
    public var seriesCount: Int { entries.withLock { $0.values.reduce(0) { $0 + $1.count } } }

    /// Datapoints held, over all rules (for memory checks and tests).
    public var pointCount: Int {
        entries.withLock { $0.values.reduce(0) { $0 + $1.series.reduce(0) { $0 + ($1?.points.count ?? 0) } } }
    }

    /// The sets `rule`'s entries are aligned to: its last listing.
    func listedSets(rule key: RuleID) -> [[MetricDimension]] {
        entries.withLock { $0[key]?.sets ?? [] }
    }

    private static func nextVersion() -> UInt64 { versions.add(1, ordering: .relaxed).newValue }

    /// The time range a fetch at `now` asks for: the window start to `now − settle`, capped at what one
    /// GetMetricStatistics call returns (1,440 datapoints), and never shorter than the window.
    static func fetchRange(_ rule: MetricRule, window: ScrapeWindow, now: Date) -> ScrapeWindow {
        let settled = ScrapeWindow(now: now, delaySeconds: rule.effectiveSettleSeconds, rangeSeconds: 0).end
        let cap = window.start.addingTimeInterval(TimeInterval(1_440 * max(1, rule.periodSeconds)))
        var range = window
        range.end = max(window.end, min(settled, cap))
        return range
    }

    /// Reads the store for a scrape that listed `sets`: first aligns the rule's entries to the listing (a set no
    /// longer listed is dropped here), then answers each set for `window` where the store covers it. When every
    /// set is covered and nothing was stored since an earlier reading of the same window, that reading's answer is
    /// returned as it was, without looking at the sets.
    func read(rule key: RuleID, sets: [[MetricDimension]], window: ScrapeWindow, statistics: [String]) -> Reading {
        let rule = key.rule
        let periods = Self.periodStarts(in: window, period: rule.periodSeconds)
        let answerKey = Self.answerKey(rule, window: window, periods: periods)
        // The rule's entries are taken out while they are aligned and read, so that neither copies them.
        var held = entries.withLock { $0.removeValue(forKey: key) } ?? RuleEntries()
        Self.align(&held, to: sets)
        var reading = Reading(answers: [], covered: nil, listing: held.listing)
        if let cached = held.answer, cached.generation == held.generation, cached.key == answerKey {
            reading.covered = (cached.version, cached.exported)
        } else {
            // Exported straight away while every series so far covers the window (a scrape the store answers
            // whole builds no second array of answers: at 100,000 series it was 8 MiB of that scrape's peak); at the
            // first series that does not, the answers are read again one per series.
            var exported: [DimensionSetData] = []
            exported.reserveCapacity(held.series.count)
            var allCovered = true
            for series in held.series {
                switch Self.answer(series, window: window, periods: periods, rule: rule, statistics: statistics) {
                case .some(.some(let data)): exported.append(data)
                case .some(.none): continue
                case .none: allCovered = false
                }
                if !allCovered { break }
            }
            if allCovered {
                let cached = CachedAnswer(
                    generation: held.generation,
                    key: answerKey,
                    version: Self.nextVersion(),
                    exported: exported
                )
                held.answer = cached
                reading.covered = (cached.version, exported)
            } else {
                exported = []
                held.answer = nil
                reading.answers = held.series.map {
                    Self.answer($0, window: window, periods: periods, rule: rule, statistics: statistics)
                }
            }
        }
        entries.withLock { $0[key] = held }
        return reading
    }

    /// The answer for `window` of one set's series when it covers the window; `.none` when the window holds a period
    /// start the series' fetch did not.
    private static func answer(
        _ series: Series?,
        window: ScrapeWindow,
        periods: (first: Date, last: Date)?,
        rule: MetricRule,
        statistics: [String]
    ) -> DimensionSetData?? {
        guard let series, let periods, let fetched = periodStarts(in: series.range, period: rule.periodSeconds),
            fetched.first <= periods.first, periods.last <= fetched.last
        else { return .none }
        if series.isWindow {
            // Same period slot as the fetch (nothing newer was fetched): the answer of that fetch.
            guard periods == fetched else { return .none }
            return .some(newest(in: series.points, window: nil, rule: rule, statistics: statistics))
        }
        return .some(newest(in: series.points, window: window, rule: rule, statistics: statistics))
    }

    /// What a cached answer of `rule` depends on besides its entries.
    private static func answerKey(_ rule: MetricRule, window: ScrapeWindow, periods: (first: Date, last: Date)?)
        -> [Double]
    {
        var key = [periods?.first.timeIntervalSince1970 ?? .nan, periods?.last.timeIntervalSince1970 ?? .nan]
        if rule.effectiveSettleSeconds < rule.delaySeconds {
            key += [window.start.timeIntervalSince1970, window.end.timeIntervalSince1970]
        }
        return key
    }

    /// Puts `held` in the order of `sets`, dropping the series of sets not in it. Nothing to do when the listing
    /// is the one they are aligned to (the ListMetrics cache hands out the same array; a new ListMetrics answer is
    /// usually equal, which costs a comparison, not a hash per set).
    private static func align(_ held: inout RuleEntries, to sets: [[MetricDimension]]) {
        if held.sets == sets { return }
        var old: [[MetricDimension]: Int] = [:]
        old.reserveCapacity(held.sets.count)
        for (index, dimensions) in held.sets.enumerated() where held.series[index] != nil {
            old[dimensions] = index
        }
        var series: [Series?] = []
        series.reserveCapacity(sets.count)
        for dimensions in sets {
            // A set listed twice takes the entry once; the other is fetched (and stored) on its own.
            series.append(old.removeValue(forKey: dimensions).flatMap { held.series[$0] })
        }
        held.sets = sets
        held.series = series
        held.listing = nextVersion()
        held.generation = nextVersion()
        held.answer = nil
    }

    /// The newest data of a dimension set inside `window` whatever the store covers: after a failed request, the
    /// series keeps the datapoint an earlier fetch returned while that is still in the window. `index` is the set's
    /// place in the listing read under `listing`.
    func lastKnown(
        rule key: RuleID,
        index: Int,
        dimensions: [MetricDimension],
        listing: UInt64,
        window: ScrapeWindow,
        statistics: [String]
    ) -> DimensionSetData? {
        let series = entries.withLock { entries -> Series? in
            guard let held = entries[key] else { return nil }
            if held.listing == listing, held.series.indices.contains(index) { return held.series[index] }
            guard let found = held.sets.firstIndex(of: dimensions) else { return nil }
            return held.series[found]
        }
        guard let series else { return nil }
        return Self.newest(in: series.points, window: window, rule: key.rule, statistics: statistics)
    }

    /// For every set of `sets` the store holds, its newest data in `window`, in their order (an answer from the
    /// store alone, without a fetch).
    func lastKnown(rule key: RuleID, of sets: [[MetricDimension]], window: ScrapeWindow, statistics: [String])
        -> [DimensionSetData]
    {
        guard let held = entries.withLock({ $0[key] }) else { return [] }
        var found: [Series?]
        if held.sets == sets {
            found = held.series
        } else {
            var index: [[MetricDimension]: Int] = [:]
            for (position, dimensions) in held.sets.enumerated() where index[dimensions] == nil {
                index[dimensions] = position
            }
            found = sets.map { dimensions in index[dimensions].flatMap { held.series[$0] } }
        }
        return found.compactMap { series in
            series.flatMap { Self.newest(in: $0.points, window: window, rule: key.rule, statistics: statistics) }
        }
    }

    /// For every dimension set held for `rule`, in a stable order (by their dimensions' text), its newest data in
    /// `window`: what a rule whose discovery failed exports.
    func lastKnownSets(rule key: RuleID, window: ScrapeWindow, statistics: [String]) -> [DimensionSetData] {
        guard let held = entries.withLock({ $0[key] }) else { return [] }
        let text = { (dimensions: [MetricDimension]) in
            dimensions.map { "\($0.name)=\($0.value)" }.joined(separator: ",")
        }
        let kept = zip(held.sets, held.series).compactMap { dimensions, series in
            series.map { (text(dimensions), $0) }
        }
        return kept.sorted { $0.0 < $1.0 }.compactMap { _, series in
            Self.newest(in: series.points, window: window, rule: key.rule, statistics: statistics)
        }
    }

    /// Stores what one fetch of `range` (for the scrape `window`) returned for each of `sets` (an empty `points`
    /// is stored too: "no data" is an answer worth keeping), under one lock. Each set is placed by its `index` in
    /// the listing read under `listing`, or, when another collection aligned the entries to another listing since,
    /// by its dimensions (a set that listing does not have is not stored).
    func store(
        rule key: RuleID,
        sets: [(index: Int, dimensions: [MetricDimension], points: [DimensionSetData])],
        listing: UInt64,
        range: ScrapeWindow,
        window: ScrapeWindow,
        statistics: [String]
    ) {
        guard !sets.isEmpty else { return }
        let isWindow = range == window
        let prepared = sets.map { set in
            let points = Self.oldestFirst(set.points)
            let kept =
                isWindow
                ? Self.answerable(points, rangeEnd: range.end, rule: key.rule, statistics: statistics) : points
            return (set.index, set.dimensions, Series(range: range, isWindow: isWindow, points: StoredPoints(kept)))
        }
        entries.withLock { entries in
            // Taken out while written, so that the writes do not copy the rule's entries.
            var held = entries.removeValue(forKey: key) ?? RuleEntries()
            var byDimensions: [[MetricDimension]: Int]?
            for (index, dimensions, series) in prepared {
                if held.listing == listing, held.series.indices.contains(index) {
                    held.series[index] = series
                    continue
                }
                if byDimensions == nil {
                    var map: [[MetricDimension]: Int] = [:]
                    for (position, set) in held.sets.enumerated() where map[set] == nil { map[set] = position }
                    byDimensions = map
                }
                if let position = byDimensions?[dimensions] { held.series[position] = series }
            }
            held.generation = Self.nextVersion()
            entries[key] = held
        }
    }

    /// Of what a fetch of exactly its window returned, the datapoints an answer can still be: the answer is the
    /// newest datapoint (with GetMetricData, per statistic), in this window and, after a failed request, in a later
    /// one (a later window ends no earlier, and an older datapoint is in it only when the newest is too). Datapoints
    /// CloudWatch returned past the range are kept as they are. Profiled at 100,000 series, the datapoints nothing
    /// could answer with were a third of the store.
    static func answerable(
        _ points: [DimensionSetData],
        rangeEnd: Date,
        rule: MetricRule,
        statistics: [String]
    ) -> [DimensionSetData] {
        guard points.count > 1 else { return points }
        var keep = [Bool](repeating: false, count: points.count)
        func markNewest(having statistic: String?) {
            var best: (index: Int, timestamp: Date)?
            for (index, point) in points.enumerated() {
                guard let timestamp = point.timestamp, timestamp < rangeEnd else { continue }
                if let statistic, point[statistic] == nil { continue }
                if let current = best?.timestamp, current >= timestamp { continue }
                best = (index, timestamp)
            }
            if let best { keep[best.index] = true }
        }
        for (index, point) in points.enumerated() where point.timestamp.map({ $0 >= rangeEnd }) ?? false {
            keep[index] = true
        }
        if rule.useGetMetricData {
            for statistic in statistics { markNewest(having: statistic) }
        } else {
            markNewest(having: nil)
        }
        return zip(points, keep).compactMap { $1 ? $0 : nil }
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

    /// After a scrape of `rule`: from fetches that reached past their window, drops the datapoints older than
    /// `window` (windows only move forward). Sets the scrape did not list were dropped when it read the store; a
    /// fetch of exactly its window kept only what can answer. So the store holds at most one fetch per listed
    /// dimension set, and never a set the last listing did not have.
    func prune(rule: RuleID, window: ScrapeWindow) {
        guard rule.rule.effectiveSettleSeconds < rule.rule.delaySeconds else { return }
        let start = window.start.addingTimeInterval(-60)
        entries.withLock { entries in
            // Taken out so the writes below do not copy the rule's entries.
            guard var held = entries.removeValue(forKey: rule) else { return }
            var changed = false
            for index in held.series.indices {
                guard var series = held.series[index], !series.isWindow,
                    series.points.contains(where: { ($0.timestamp ?? .distantPast) < start })
                else { continue }
                series.points = StoredPoints(series.points.filter { ($0.timestamp ?? .distantPast) >= start })
                held.series[index] = series
                changed = true
            }
            if changed { held.generation = Self.nextVersion() }
            entries[rule] = held
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
    static func newest<Points: Sequence<DimensionSetData>>(
        in points: Points,
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
        // The point itself when it is the answer as it is (it holds exactly the statistics asked for, in their
        // order, as the points of a rule with one statistic do): no copy of its values per set and scrape.
        var itself: DimensionSetData?
        for (position, statistic) in statistics.enumerated() {
            guard let point = newest(having: statistic), let value = point[statistic] else {
                itself = nil
                continue
            }
            if data == nil {
                data = DimensionSetData(dimensions: point.dimensions, timestamp: point.timestamp, unit: "N/A")
                let asked =
                    point.values.count == statistics.count && point.unit == "N/A"
                    && zip(point.values, statistics).allSatisfy { $0.statistic == $1 }
                itself = position == 0 && asked ? point : nil
            } else if let kept = itself, kept.timestamp != point.timestamp || kept[statistic] != value {
                itself = nil
            }
            data?[statistic] = value
        }
        return itself ?? data
    }
}
