/// Go's `time.ParseDuration` format, which exporter-toolkit's `rate_limit.interval` is read with: a sequence of
/// decimal numbers, each with an optional fraction and a unit (`ns`, `us`/`µs`, `ms`, `s`, `m`, `h`), e.g. `1.5s`,
/// `1h30m`, `100ms`; `0` alone is zero. Negative durations are refused (a negative interval has no meaning).
enum GoDuration {
    /// The duration, or `nil` when `text` is not one or overflows.
    static func parse(_ text: String) -> Duration? {
        if text == "0" { return .zero }
        let units: [(String, Double)] = [
            ("ns", 1), ("us", 1e3), ("µs", 1e3), ("μs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3600e9),
        ]
        var rest = Substring(text)
        var nanoseconds = 0.0
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let number = rest.prefix { ($0.isASCII && $0.isNumber) || $0 == "." }
            guard !number.isEmpty, number != ".", number.filter({ $0 == "." }).count <= 1, let value = Double(number)
            else { return nil }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { !($0.isASCII && $0.isNumber) && $0 != "." }
            rest = rest.dropFirst(unit.count)
            guard let scale = units.first(where: { $0.0 == unit })?.1 else { return nil }
            nanoseconds += value * scale
        }
        // Go's limit: an Int64 of nanoseconds (about 292 years).
        guard nanoseconds.isFinite, nanoseconds < 9.2e18 else { return nil }
        return .nanoseconds(Int64(nanoseconds))
    }
}
