/// A Prometheus-style duration flag value (`10s`, `1m30s`, `500ms`, `1h`), as Prometheus' `model.ParseDuration`
/// reads them: units `ms`, `s`, `m`, `h`, `d`, `w`, `y`, largest first, each at most once.
public enum FlagDuration {
    /// Parses `text`; `nil` when it is not such a duration or overflows.
    public static func parse(_ text: String) -> Duration? {
        if text == "0" { return .zero }
        let units: [(String, Int64)] = [
            ("y", 365 * 86_400_000), ("w", 7 * 86_400_000), ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000),
            ("s", 1000), ("ms", 1),
        ]
        var rest = Substring(text)
        var milliseconds: Int64 = 0
        var nextUnit = 0
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let value = Int64(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            let letters = rest.prefix { $0.isASCII && $0.isLetter }
            rest = rest.dropFirst(letters.count)
            guard let index = units.firstIndex(where: { $0.0 == letters }), index >= nextUnit else { return nil }
            nextUnit = index + 1
            let (product, overflowProduct) = value.multipliedReportingOverflow(by: units[index].1)
            let (sum, overflowSum) = milliseconds.addingReportingOverflow(product)
            guard !overflowProduct, !overflowSum else { return nil }
            milliseconds = sum
        }
        return .milliseconds(milliseconds)
    }
}
