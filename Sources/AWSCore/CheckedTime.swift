public import FoundationEssentials

/// Conversions of times read from outside (config values, HTTP headers, AWS answers) that cannot trap.
///
/// Swift's `Int64(_: Double)` and `Duration` arithmetic trap on overflow, and an exporter must not die because a
/// header says `1e300` or an emulator answers a timestamp of `1e20`: every such conversion goes through here.
public enum CheckedTime {
    /// The longest duration any setting or header is taken to mean: one year. Longer values are clamped to it.
    public static let maximumDuration: Duration = .seconds(365 * 86_400)

    /// The earliest and latest epoch seconds accepted from AWS: 0001-01-01 to 9999-12-31 (what ISO 8601 and the
    /// CloudWatch APIs can express). Outside them a timestamp is a malformed answer.
    public static let epochSecondsRange: ClosedRange<Double> = -62_135_596_800...253_402_300_799

    /// `seconds` as a `Duration`, clamped to `0...maximum`; NaN and negative values give zero.
    public static func duration(seconds: Double, maximum: Duration = maximumDuration) -> Duration {
        guard seconds > 0 else { return .zero }  // also false for NaN
        let maximumSeconds = Double(maximum.components.seconds)
        guard seconds < maximumSeconds else { return maximum }
        // Below a year, nanoseconds fit an Int64 with room to spare.
        return .nanoseconds(Int64((seconds * 1e9).rounded()))
    }

    /// A date from epoch seconds, or nil when the value is not finite or outside ``epochSecondsRange``.
    public static func date(epochSeconds: Double) -> Date? {
        guard epochSecondsRange.contains(epochSeconds) else { return nil }  // false for NaN and infinities
        return Date(timeIntervalSince1970: epochSeconds)
    }

    /// Milliseconds since the epoch, rounded, or nil when `date` is outside ``epochSecondsRange``.
    public static func epochMilliseconds(_ date: Date) -> Int64? {
        let seconds = date.timeIntervalSince1970
        guard epochSecondsRange.contains(seconds) else { return nil }
        return Int64(exactly: (seconds * 1000).rounded())
    }
}
