import AWSCore
import FoundationEssentials

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
        if let header = scrapeTimeoutHeader, let seconds = Double(header.trimmingWhitespace()),
            seconds.isFinite, seconds > 0
        {
            scrapeTimeoutSeconds = seconds
        }
    }

    /// The answer deadline: the scrape timeout less the configured margin, never less than a tenth of the timeout.
    func deadline(now: ContinuousClock.Instant, marginSeconds: Double) -> ContinuousClock.Instant? {
        guard let timeout = scrapeTimeoutSeconds else { return nil }
        let usable = max(timeout - marginSeconds, timeout / 10)
        // The header is the client's to set: `1e300` must clamp, not trap.
        return now.advanced(by: CheckedTime.duration(seconds: usable))
    }

    /// A query component as a form decodes it: `+` is a space, `%XX` a byte; the text as written (with `+` as
    /// spaces) when an escape is malformed or the bytes are not UTF-8, as `removingPercentEncoding` left it.
    private static func decode(_ text: Substring) -> String {
        let spaced = String(decoding: text.utf8.map { $0 == UInt8(ascii: "+") ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
        return PercentDecoding.bytes(spaced.utf8).flatMap { String(validating: $0, as: UTF8.self) } ?? spaced
    }
}
