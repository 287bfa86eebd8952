import ConfigFile

/// A regular expression compiled once per config, matched Java-style: a thin wrapper over ``JavaPattern`` (no ICU,
/// linear-time matching; see there for the semantics).
struct CompiledPattern: Sendable {
    private let pattern: JavaPattern

    /// The pattern as written in the config.
    var source: String { pattern.source }

    /// Compiles `pattern` the way the config loader checked it: `anchored` must match the whole string, like Java's
    /// `Pattern.matches`; otherwise it searches, like `Matcher.find`.
    init(_ pattern: String, anchored: Bool) throws {
        self.pattern = try JavaPattern(pattern, anchored: anchored)
    }

    /// Whether the pattern matches `text` (the whole text when compiled `anchored`).
    func matches(_ text: String) -> Bool { pattern.matches(text) }

    /// The first non-empty capture group of the leftmost match, or `""`, like cloudwatch_exporter's
    /// `arn_resource_id_regexp` extraction with `Matcher.find()`.
    func firstNonEmptyGroup(in text: String) -> String { pattern.firstNonEmptyGroup(in: text) }
}
