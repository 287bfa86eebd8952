import AWSCore
public import FoundationEssentials

/// Times as the status page writes them: UTC, to the second.
public enum UTCText {
    /// `2026-12-01 10:02:00 UTC`.
    public static func dateTime(_ date: Date) -> String {
        let text = AWSTimestamp.iso8601(Date(timeIntervalSince1970: seconds(date)))
        return text.replacing("T", with: " ").replacing("Z", with: " UTC")
    }

    /// `2026-12-01T10:02:00Z`, for JSON.
    public static func iso8601(_ date: Date) -> String {
        AWSTimestamp.iso8601(Date(timeIntervalSince1970: seconds(date)))
    }

    /// `10:02` (or `10:02:30` when the time is not on a minute).
    public static func clock(_ date: Date) -> String {
        let text = AWSTimestamp.iso8601(Date(timeIntervalSince1970: seconds(date)))
        guard let t = text.firstIndex(of: "T") else { return text }
        let time = text[text.index(after: t)...].dropLast()
        return time.hasSuffix(":00") ? String(time.dropLast(3)) : String(time)
    }

    private static func seconds(_ date: Date) -> Double {
        let value = date.timeIntervalSince1970
        return value.isFinite ? value.rounded(.down) : 0
    }
}
