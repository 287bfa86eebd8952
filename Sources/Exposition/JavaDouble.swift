#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Java `Double.toString` rendering (as simpleclient's `doubleToGoString` uses it), so exposed values are
/// byte-identical to cloudwatch_exporter's: `42.0`, `0.5`, `1.0E-4`, `1.23510784E8`, `-0.0`, `NaN`, `+Inf`, `-Inf`.
///
/// Digits follow the JDK 19+ specification (shortest decimal that round-trips; when a single digit would do, the
/// closest two-digit decimal, which is why `Double.leastNonzeroMagnitude` is `4.9E-324`, not `5.0E-324`). Layout
/// is Java's: plain notation for magnitudes in [1e-3, 1e7), otherwise `d.dddE±n` with at least one fraction digit.
public enum JavaDouble {
    /// Formats `value` exactly as Java would, with simpleclient's `+Inf` / `-Inf` spellings.
    public static func format(_ value: Double) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        append(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the formatted value to `bytes`, without building an intermediate `String` for common values.
    static func append(_ value: Double, to bytes: inout [UInt8]) {
        if value.isNaN {
            bytes.append(contentsOf: "NaN".utf8)
            return
        }
        if value.isInfinite {
            bytes.append(contentsOf: value < 0 ? "-Inf".utf8 : "+Inf".utf8)
            return
        }
        if value.sign == .minus { bytes.append(UInt8(ascii: "-")) }
        let magnitude = value.magnitude
        if magnitude == 0 {
            bytes.append(contentsOf: "0.0".utf8)
            return
        }
        // Integers below 1e7 are the common case (counts, sums, 0/1 flags): every digit is exact, no parsing.
        if magnitude < 1e7, magnitude.rounded(.towardZero) == magnitude {
            appendInteger(UInt64(magnitude), to: &bytes)
            bytes.append(contentsOf: ".0".utf8)
            return
        }
        let decimal = shortestDecimalDigits(magnitude)
        if magnitude >= 1e-3 && magnitude < 1e7 {
            appendPlain(decimal, to: &bytes)
        } else {
            appendScientific(decimal, to: &bytes)
        }
    }

    /// A positive decimal `0.d1d2d3… × 10^(pointPosition)` with no leading or trailing zero digits,
    /// written as ASCII digit values (0...9).
    struct DecimalDigits {
        var digits: [UInt8]
        /// Number of digits before the decimal point (may be ≤ 0 or exceed `digits.count`).
        var pointPosition: Int
    }

    /// The shortest round-tripping digits of a positive finite `magnitude`, taken from Swift's `description`
    /// (which is shortest-round-trip and closest) and adjusted for Java's two-digit rule.
    static func shortestDecimalDigits(_ magnitude: Double) -> DecimalDigits {
        let decimal = parseDecimalDigits(magnitude.description)
        // For normal doubles the rounding interval is far narrower than a second digit's step, so the closest
        // two-digit decimal is the one-digit result itself; only subnormals can differ.
        guard decimal.digits.count == 1, magnitude < Double.leastNormalMagnitude else { return decimal }
        // Java picks among decimals of length ≤ 2 the one closest to the exact value; that can be a two-digit
        // decimal when the one-digit one is far away (subnormals). printf's `%.1e` is the correctly rounded
        // two-digit decimal; keep it if it still round-trips.
        let twoDigits = twoDigitScientific(magnitude)
        if Double(twoDigits) == magnitude {
            return parseDecimalDigits(twoDigits)
        }
        return decimal
    }

    /// `magnitude` as C's `%.1e` writes it (`9.9e-324`): what `String(format: "%.1e", …)` gave, through `vsnprintf`
    /// itself, so the module needs no Foundation (whose formatting links ICU).
    package static func twoDigitScientific(_ magnitude: Double) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 32) { buffer -> String in
            guard let base = buffer.baseAddress else { return "" }
            let written = withVaList([magnitude]) { vsnprintf(base, 32, "%.1e", $0) }
            guard written > 0, written < 32 else { return "" }
            return String(decoding: UnsafeRawBufferPointer(start: base, count: Int(written)), as: UTF8.self)
        }
    }

    /// Parses a non-negative decimal string such as `123.45`, `1e-05`, `1.7976931348623157e+308` or `4.9e-324`.
    static func parseDecimalDigits(_ text: String) -> DecimalDigits {
        var digits: [UInt8] = []
        var pointPosition = 0
        var seenPoint = false
        var exponentText = ""
        var inExponent = false
        for byte in text.utf8 {
            if inExponent {
                exponentText.unicodeScalars.append(Unicode.Scalar(byte))
            } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                inExponent = true
            } else if byte == UInt8(ascii: ".") {
                seenPoint = true
            } else if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                digits.append(byte - UInt8(ascii: "0"))
                if !seenPoint { pointPosition += 1 }
            }
        }
        pointPosition += Int(exponentText) ?? 0
        var leading = 0
        while leading < digits.count - 1 && digits[leading] == 0 { leading += 1 }
        digits.removeFirst(leading)
        pointPosition -= leading
        while digits.count > 1, digits.last == 0 { digits.removeLast() }
        return DecimalDigits(digits: digits, pointPosition: pointPosition)
    }

    private static func appendPlain(_ decimal: DecimalDigits, to bytes: inout [UInt8]) {
        let digits = decimal.digits
        if decimal.pointPosition <= 0 {
            bytes.append(contentsOf: "0.".utf8)
            bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: -decimal.pointPosition))
            for digit in digits { bytes.append(digit + UInt8(ascii: "0")) }
            return
        }
        for index in 0..<decimal.pointPosition {
            bytes.append((index < digits.count ? digits[index] : 0) + UInt8(ascii: "0"))
        }
        bytes.append(UInt8(ascii: "."))
        if decimal.pointPosition >= digits.count {
            bytes.append(UInt8(ascii: "0"))
        } else {
            for digit in digits[decimal.pointPosition...] { bytes.append(digit + UInt8(ascii: "0")) }
        }
    }

    private static func appendScientific(_ decimal: DecimalDigits, to bytes: inout [UInt8]) {
        let digits = decimal.digits
        bytes.append(digits[0] + UInt8(ascii: "0"))
        bytes.append(UInt8(ascii: "."))
        if digits.count == 1 {
            bytes.append(UInt8(ascii: "0"))
        } else {
            for digit in digits[1...] { bytes.append(digit + UInt8(ascii: "0")) }
        }
        bytes.append(UInt8(ascii: "E"))
        let exponent = decimal.pointPosition - 1
        if exponent < 0 { bytes.append(UInt8(ascii: "-")) }
        appendInteger(UInt64(exponent.magnitude), to: &bytes)
    }

    /// Appends the decimal digits of `value`; `String(value)` is a small (inline) string, so this does not allocate.
    static func appendInteger(_ value: UInt64, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: String(value).utf8)
    }
}
