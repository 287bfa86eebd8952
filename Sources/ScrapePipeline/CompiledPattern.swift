import ConfigFile
import Foundation

/// A regular expression compiled once per config, matched Java-style.
///
/// `NSRegularExpression` is immutable after creation and safe to match from many threads, hence `@unchecked`.
struct CompiledPattern: @unchecked Sendable {
    private let regex: NSRegularExpression
    /// The pattern as written in the config.
    let source: String

    /// Compiles `pattern` the way the config loader checked it: `anchored` must match the whole string, like Java's
    /// `Pattern.matches`; otherwise it searches, like `Matcher.find`.
    init(_ pattern: String, anchored: Bool) throws {
        self.source = pattern
        self.regex = anchored ? try JavaRegex.compileFullMatch(pattern) : try JavaRegex.compileSearch(pattern)
    }

    /// Whether the pattern matches `text` (the whole text when compiled `anchored`).
    func matches(_ text: String) -> Bool { JavaRegex.fullMatches(regex, text) }

    /// The first non-empty capture group of the leftmost match, or `""`, like cloudwatch_exporter's
    /// `arn_resource_id_regexp` extraction with `Matcher.find()`.
    func firstNonEmptyGroup(in text: String) -> String {
        guard let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) else { return "" }
        for index in stride(from: 1, to: match.numberOfRanges, by: 1) {
            let range = match.range(at: index)
            if range.location != NSNotFound, range.length > 0, let swiftRange = Range(range, in: text) {
                return String(text[swiftRange])
            }
        }
        return ""
    }
}
