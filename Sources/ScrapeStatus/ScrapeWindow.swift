public import FoundationEssentials

/// The CloudWatch query window of one rule in one scrape: `[now - delay - range, now - delay)`.
///
/// One `now` is taken per scrape and shared by every rule, as cloudwatch_exporter does. The arithmetic is in 64-bit
/// milliseconds, so long windows do not overflow (upstream's GetMetricStatistics path overflows past ~24.8 days).
public struct ScrapeWindow: Sendable, Equatable {
    /// The inclusive start.
    public var start: Date
    /// The exclusive end.
    public var end: Date

    /// Computes the window for `now`, `delaySeconds` and `rangeSeconds`.
    public init(now: Date, delaySeconds: Int, rangeSeconds: Int) {
        let nowMilliseconds = Int64((now.timeIntervalSince1970 * 1000).rounded(.down))
        let endMilliseconds = nowMilliseconds - Int64(delaySeconds) * 1000
        let startMilliseconds = nowMilliseconds - (Int64(delaySeconds) + Int64(rangeSeconds)) * 1000
        self.start = Date(timeIntervalSince1970: Double(startMilliseconds) / 1000)
        self.end = Date(timeIntervalSince1970: Double(endMilliseconds) / 1000)
    }
}
