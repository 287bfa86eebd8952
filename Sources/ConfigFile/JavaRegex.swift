import Foundation

/// Regexes with Java `Pattern` matching semantics, as cloudwatch_exporter applies them.
public enum JavaRegex {
    /// Compiles `pattern` for Java `Pattern.matches` semantics (the whole string must match), as used by
    /// `aws_dimension_select_regex`.
    public static func compileFullMatch(_ pattern: String) throws -> NSRegularExpression {
        // Compile the bare pattern first so a pattern like `a)(b` is rejected as Java rejects it, instead of being
        // balanced by the wrapper. `\A…\z` rather than `^…$`: ICU's `$` also matches before a final newline.
        _ = try NSRegularExpression(pattern: pattern)
        return try NSRegularExpression(pattern: "\\A(?:" + pattern + ")\\z")
    }

    /// Compiles `pattern` for Java `Matcher.find` semantics (a search anywhere), as used by
    /// `arn_resource_id_regexp`.
    public static func compileSearch(_ pattern: String) throws -> NSRegularExpression {
        try NSRegularExpression(pattern: pattern)
    }

    /// Whether `regex` (from ``compileFullMatch(_:)``) matches the whole of `text`.
    public static func fullMatches(_ regex: NSRegularExpression, _ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..<text.endIndex, in: text)) != nil
    }
}
