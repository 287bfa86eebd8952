/// The two exposition formats simpleclient 0.16 serves, chosen from the `Accept` header.
public enum ExpositionFormat: Sendable {
    /// Prometheus text format 0.0.4.
    case text004
    /// OpenMetrics 1.0.0.
    case openMetrics100

    /// The `Content-Type` header value for responses in this format.
    public var contentType: String {
        switch self {
        case .text004: "text/plain; version=0.0.4; charset=utf-8"
        case .openMetrics100: "application/openmetrics-text; version=1.0.0; charset=utf-8"
        }
    }

    /// Picks OpenMetrics iff any comma-separated `Accept` entry has the media type
    /// `application/openmetrics-text`; otherwise text 0.0.4.
    ///
    /// This mirrors simpleclient 0.16 `TextFormat.chooseContentType` exactly: the media type is compared
    /// case-sensitively after Java `trim()`, and parameters and q-values are ignored (so even `q=0` selects it).
    public static func negotiate(accept: String?) -> ExpositionFormat {
        guard let accept else { return .text004 }
        for entry in accept.split(separator: ",", omittingEmptySubsequences: true) {
            let mediaType = entry.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            if mediaType.trimmingJavaWhitespace() == "application/openmetrics-text" {
                return .openMetrics100
            }
        }
        return .text004
    }
}

extension Substring {
    /// Java `String.trim()`: strips every code point up to U+0020 from both ends.
    fileprivate func trimmingJavaWhitespace() -> Substring {
        let isTrimmed: (Character) -> Bool = { $0.unicodeScalars.allSatisfy { $0.value <= 0x20 } }
        var result = self
        while let first = result.first, isTrimmed(first) { result = result.dropFirst() }
        while let last = result.last, isTrimmed(last) { result = result.dropLast() }
        return result
    }
}
