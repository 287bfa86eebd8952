import FoundationEssentials

/// Checks `aws_statistics` and `aws_extended_statistics` at load time (upstream only fails at scrape time).
enum StatisticValidator {
    /// `nil` when `name` is a standard statistic, else a message with a suggestion.
    static func problem(withStatistic name: String) -> String? {
        if MetricRule.standardStatistics.contains(name) { return nil }
        if let match = MetricRule.standardStatistics.first(where: { $0.lowercased() == name.lowercased() }) {
            return "unknown statistic \"\(name)\" (statistics are case-sensitive); did you mean \(match)?"
        }
        if isExtendedStatistic(name) {
            return "\"\(name)\" is an extended statistic; list it under aws_extended_statistics"
        }
        // Abbreviations such as avg, min, max or count are subsequences of the real name; else the nearest by edits.
        let lowered = name.lowercased()
        let nearest =
            MetricRule.standardStatistics.first { isSubsequence(lowered, of: $0.lowercased()) }
            ?? KeySuggestion.nearest(to: name, in: MetricRule.standardStatistics) ?? "Average"
        return "unknown statistic \"\(name)\"; expected one of \(MetricRule.standardStatistics.joined(separator: ", "))"
            + " (did you mean \(nearest)?)"
    }

    private static func isSubsequence(_ needle: String, of haystack: String) -> Bool {
        guard !needle.isEmpty else { return false }
        var remaining = Substring(haystack)
        for character in needle {
            guard let index = remaining.firstIndex(of: character) else { return false }
            remaining = remaining[remaining.index(after: index)...]
        }
        return true
    }

    /// `nil` when `name` looks like a CloudWatch extended statistic, else a message.
    static func problem(withExtendedStatistic name: String) -> String? {
        if isExtendedStatistic(name) { return nil }
        if MetricRule.standardStatistics.contains(where: { $0.lowercased() == name.lowercased() }) {
            return "\"\(name)\" is a standard statistic; list it under aws_statistics"
        }
        return "\"\(name)\" is not an extended statistic; expected a percentile such as p90 or p99.9, a trimmed or "
            + "winsorized statistic such as tm90, tc90, ts90, wm90 or TM(10%:90%), PR(100:2000), or IQM"
    }

    // Deliberately permissive: CloudWatch decides the exact ranges. Short forms `p90`, `tm99.9`, `wm50`, ...;
    // range forms `TM(10%:90%)`, `TC(:0.5)`, `PR(100:2000)` with either bound optional; and `IQM`.
    private static let shortForm = try? JavaPattern(
        "(?i)(?:p|tm|tc|ts|wm)(?:100(?:\\.0+)?|[0-9]{1,2}(?:\\.[0-9]+)?)",
        anchored: true
    )
    private static let rangeForm = try? JavaPattern(
        "(?i)(?:tm|tc|ts|wm|pr)\\(\\s*(?:[0-9]+(?:\\.[0-9]+)?%?)?\\s*:\\s*(?:[0-9]+(?:\\.[0-9]+)?%?)?\\s*\\)",
        anchored: true
    )

    static func isExtendedStatistic(_ name: String) -> Bool {
        if name.uppercased() == "IQM" { return true }
        for regex in [shortForm, rangeForm] {
            if let regex, regex.matches(name) {
                return !name.hasSuffix("(:)") && !name.replacing(" ", with: "").hasSuffix("(:)")
            }
        }
        return false
    }
}
