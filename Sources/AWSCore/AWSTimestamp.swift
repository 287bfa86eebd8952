import AWSSigV4
import FoundationEssentials

/// AWS timestamp formats: ISO 8601 UTC for Query and XML, epoch seconds for JSON.
///
/// Hand-written rather than `ISO8601DateFormatter` because a GetMetricData answer holds tens of thousands of
/// timestamps, and the formatter is both slow and strict about the number of fractional digits.
public enum AWSTimestamp {
    /// Formats `date` as `2026-01-15T11:00:00Z`, adding `.ffffff` only when there are sub-second parts
    /// (as botocore does).
    public static func iso8601(_ date: Date) -> String {
        // Clamped to years 1-9999, the range the format can say, so no date makes the conversion below trap.
        let interval = min(
            max(date.timeIntervalSince1970, CheckedTime.epochSecondsRange.lowerBound),
            CheckedTime.epochSecondsRange.upperBound
        )
        var seconds = Int64(interval.rounded(.down))
        var micros = Int64(((interval - Double(seconds)) * 1_000_000).rounded())
        if micros >= 1_000_000 {
            seconds += 1
            micros -= 1_000_000
        }
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = AMZDate.civilDate(daysSinceEpoch: days)
        var text = AMZDate.pad(year, 4) + "-" + AMZDate.pad(month, 2) + "-" + AMZDate.pad(day, 2) + "T"
        text +=
            AMZDate.pad(secondOfDay / 3600, 2) + ":" + AMZDate.pad(secondOfDay / 60 % 60, 2) + ":"
            + AMZDate.pad(secondOfDay % 60, 2)
        if micros > 0 { text += "." + AMZDate.pad(micros, 6) }
        return text + "Z"
    }

    /// Parses ISO 8601 timestamps as AWS sends them: `2026-01-15T11:00:00Z`, with 0 to 9 fractional digits,
    /// and `Z` or a `±hh:mm` offset. Returns nil when `text` is not such a timestamp.
    public static func parseISO8601(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        var index = 0
        func number(_ digits: Int) -> Int64? {
            guard index + digits <= bytes.count else { return nil }
            var value: Int64 = 0
            for _ in 0..<digits {
                let byte = bytes[index]
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int64(byte - 48)
                index += 1
            }
            return value
        }
        func expect(_ character: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == character else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect(45), let month = number(2), expect(45), let day = number(2),
            index < bytes.count, bytes[index] == 84 || bytes[index] == 116 || bytes[index] == 32
        else { return nil }
        index += 1
        guard let hour = number(2), expect(58), let minute = number(2), expect(58), let second = number(2) else {
            return nil
        }
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else {
            return nil
        }
        var fraction = 0.0
        if index < bytes.count, bytes[index] == 46 {
            index += 1
            var scale = 0.1
            var digits = 0
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                fraction += Double(bytes[index] - 48) * scale
                scale /= 10
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
        }
        var offset: Int64 = 0
        if expect(90) || expect(122) {
            offset = 0
        } else if index < bytes.count, bytes[index] == 43 || bytes[index] == 45 {
            let sign: Int64 = bytes[index] == 45 ? -1 : 1
            index += 1
            guard let offsetHours = number(2) else { return nil }
            _ = expect(58)
            guard let offsetMinutes = number(2) else { return nil }
            offset = sign * (offsetHours * 3600 + offsetMinutes * 60)
        } else {
            return nil
        }
        guard index == bytes.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    // Howard Hinnant's days-from-civil algorithm: exact for the proleptic Gregorian calendar.
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

}
