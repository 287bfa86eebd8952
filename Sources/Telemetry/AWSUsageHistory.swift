import FoundationEssentials

/// Per-minute counts of AWS calls, billed units, errors and retries over the last hour: a ring of at most 60
/// minutes, so its memory is bounded whatever the call rate.
struct AWSUsageHistory: Sendable {
    private struct Key: Hashable {
        var service: String
        var action: String
        var detail: String
    }

    private struct Minute {
        var minute: Int64
        var calls: [Key: Int] = [:]
        var errors: [Key: Int] = [:]
        var retries: [Key: Int] = [:]
        var billedUnits = 0
    }

    /// Oldest first; at most ``minutes`` entries.
    private var buckets: [Minute] = []
    static let minutes = 60

    private static func minute(of date: Date) -> Int64 {
        let seconds = date.timeIntervalSince1970
        guard seconds.isFinite, abs(seconds) < 1e15 else { return 0 }
        return Int64((seconds / 60).rounded(.down))
    }

    private mutating func update(at date: Date, _ change: (inout Minute) -> Void) {
        let minute = Self.minute(of: date)
        if let last = buckets.indices.last, buckets[last].minute == minute {
            change(&buckets[last])
            return
        }
        // A clock stepping back lands in the newest bucket rather than reordering the ring.
        if let last = buckets.last, last.minute > minute {
            change(&buckets[buckets.count - 1])
            return
        }
        var bucket = Minute(minute: minute)
        change(&bucket)
        buckets.append(bucket)
        buckets.removeAll { $0.minute <= minute - Int64(Self.minutes) }
    }

    mutating func call(service: String, action: String, at date: Date) {
        update(at: date) { $0.calls[Key(service: service, action: action, detail: ""), default: 0] += 1 }
    }

    mutating func error(service: String, action: String, code: String, at date: Date) {
        update(at: date) { $0.errors[Key(service: service, action: action, detail: code), default: 0] += 1 }
    }

    mutating func retry(service: String, action: String, reason: String, at date: Date) {
        update(at: date) { $0.retries[Key(service: service, action: action, detail: reason), default: 0] += 1 }
    }

    mutating func billed(_ units: Int, at date: Date) {
        update(at: date) { $0.billedUnits += units }
    }

    /// The totals of the last hour and the calls of each of its minutes, as of `date`.
    func lastHour(at date: Date) -> (totals: AWSUsage.Totals, callsPerMinute: [Int]) {
        let now = Self.minute(of: date)
        var calls: [Key: Int] = [:]
        var errors: [Key: Int] = [:]
        var retries: [Key: Int] = [:]
        var totals = AWSUsage.Totals()
        var perMinute = Array(repeating: 0, count: Self.minutes)
        for bucket in buckets where bucket.minute > now - Int64(Self.minutes) {
            calls.merge(bucket.calls, uniquingKeysWith: +)
            errors.merge(bucket.errors, uniquingKeysWith: +)
            retries.merge(bucket.retries, uniquingKeysWith: +)
            totals.billedUnits += bucket.billedUnits
            let offset = Int(now - bucket.minute)
            if offset >= 0, offset < Self.minutes {
                perMinute[Self.minutes - 1 - offset] += bucket.calls.values.reduce(0, +)
            }
        }
        totals.calls = Self.counts(calls)
        totals.errors = Self.counts(errors)
        totals.retries = Self.counts(retries)
        return (totals, perMinute)
    }

    private static func counts(_ table: [Key: Int]) -> [AWSUsage.Count] {
        table.map {
            AWSUsage.Count(service: $0.key.service, action: $0.key.action, detail: $0.key.detail, count: $0.value)
        }
        .sorted { ($0.service, $0.action, $0.detail) < ($1.service, $1.action, $1.detail) }
    }
}
