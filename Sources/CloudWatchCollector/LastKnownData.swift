import Foundation
import Synchronization

/// The newest data each (rule, dimension set) returned, kept so that a failed request (throttling that outlasted
/// its retries, a malformed answer) does not drop a series whose datapoint is still in the window.
///
/// A datapoint whose period starts inside the current window is one that a fresh fetch would also have returned (or
/// a newer one): exporting it keeps the series, with its original timestamp, and the scrape still reports the
/// failure (`cloudwatch_exporter_scrape_error 1`, the rule's error counter). Data older than the window is never
/// used and is evicted.
final class LastKnownData: Sendable {
    /// By rule index (the collector's rules are fixed for its life), then by dimension set.
    private let entries = Mutex<[Int: [[MetricDimension]: DimensionSetData]]>([:])

    /// Remembers what `rule` returned in one scrape and drops its data older than `window`: that can never be
    /// exported again, and dimension sets that disappeared would otherwise stay forever.
    func update(rule: Int, with returned: some Sequence<DimensionSetData>, window: ScrapeWindow) {
        entries.withLock { entries in
            var known = entries[rule, default: [:]]
            for data in returned where data.timestamp != nil { known[data.dimensions] = data }
            known = known.filter { _, data in data.timestamp.map { $0 >= window.start } ?? false }
            entries[rule] = known
        }
    }

    /// The last data of a dimension set, when its datapoint lies in `window`.
    func recall(rule: Int, dimensions: [MetricDimension], in window: ScrapeWindow) -> DimensionSetData? {
        guard let data = entries.withLock({ $0[rule]?[dimensions] }),
            let timestamp = data.timestamp, timestamp >= window.start, timestamp < window.end
        else { return nil }
        return data
    }

    /// Entries held, for tests and memory checks.
    var count: Int { entries.withLock { $0.values.reduce(0) { $0 + $1.count } } }
}
