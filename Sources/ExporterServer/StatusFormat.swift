import AWSCore

/// Content negotiation of `/status`: JSON when the client ranks `application/json` above `text/html`.
enum StatusFormat {
    /// Whether `accept` prefers `application/json` (a higher q, or listed while HTML is not).
    static func prefersJSON(accept: String?) -> Bool {
        guard let accept, accept.utf8.count <= 4096 else { return false }
        var json = 0.0
        var html = 0.0
        for part in accept.split(separator: ",").prefix(64) {
            let fields = part.split(separator: ";").map { $0.trimmingWhitespace().lowercased() }
            guard let type = fields.first else { continue }
            var quality = 1.0
            for field in fields.dropFirst() where field.hasPrefix("q=") {
                if let value = Double(field.dropFirst(2)), value.isFinite, (0...1).contains(value) { quality = value }
            }
            switch type {
            case "application/json": json = max(json, quality)
            case "text/html", "application/xhtml+xml": html = max(html, quality)
            default: break
            }
        }
        return json > html
    }
}
