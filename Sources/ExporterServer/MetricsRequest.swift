import Foundation

/// What a `/metrics` request asks for, beyond the format: the `name[]` filter and Prometheus' scrape timeout.
struct MetricsRequest: Sendable, Equatable {
    /// The `name[]` query parameters, or `nil` when there are none.
    var nameFilter: Set<String>?
    /// `X-Prometheus-Scrape-Timeout-Seconds`, when sent and valid.
    var scrapeTimeoutSeconds: Double?

    init(query: String?, scrapeTimeoutHeader: String?) {
        var names: Set<String> = []
        for pair in (query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = Self.decode(parts[0])
            if key == "name[]", parts.count == 2 { names.insert(Self.decode(parts[1])) }
        }
        nameFilter = names.isEmpty ? nil : names
        if let header = scrapeTimeoutHeader, let seconds = Double(header.trimmingCharacters(in: .whitespaces)),
            seconds.isFinite, seconds > 0
        {
            scrapeTimeoutSeconds = seconds
        }
    }

    /// The answer deadline: the scrape timeout less the configured margin, never less than a tenth of the timeout.
    func deadline(now: ContinuousClock.Instant, marginSeconds: Double) -> ContinuousClock.Instant? {
        guard let timeout = scrapeTimeoutSeconds else { return nil }
        // Capped at a day: the header is the client's, and `1e300` seconds would trap converting to Int64
        // milliseconds. No Prometheus scrape waits that long, so a day means "no practical deadline".
        let usable = min(max(timeout - marginSeconds, timeout / 10), Self.longestDeadlineSeconds)
        return now.advanced(by: .milliseconds(Int64(usable * 1000)))
    }

    /// The longest answer deadline, whatever the scrape timeout header says.
    static let longestDeadlineSeconds = 86_400.0

    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
