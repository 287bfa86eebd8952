// libFuzzer target: what the exporter parses out of a /metrics request: the Accept header (Exposition
// ExpositionFormat.negotiate), the X-Prometheus-Scrape-Timeout-Seconds header and the name[] query
// (ExporterServer MetricsRequest, compiled into this module because it is internal to a Hummingbird target); the
// Accept header of /status (StatusFormat) and the status page's escaping (HTMLText), which must leave no markup
// character in whatever a tag value or an AWS answer holds.
import Exposition

/// The input is three lines: the Accept header, the scrape timeout header, the query string (each may be absent).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    let fields = text.split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
    let accept = fields.count > 0 ? fields[0] : nil
    let timeout = fields.count > 1 ? fields[1] : nil
    let query = fields.count > 2 ? fields[2] : nil

    _ = ExpositionFormat.negotiate(accept: accept).contentType
    let request = MetricsRequest(query: query, scrapeTimeoutHeader: timeout)
    // Margins the config allows, from none to more than any sensible timeout.
    let now = ContinuousClock.now
    for margin in [0, 0.5, 10, 3600.0] {
        _ = request.deadline(now: now, marginSeconds: margin)
    }
    _ = StatusFormat.prefersJSON(accept: accept)
    let escaped = HTMLText.escape(text)
    if escaped.contains(where: { "<>\"'".contains($0) }) {
        fatalError("HTMLText.escape left a markup character in its output")
    }
    return 0
}
