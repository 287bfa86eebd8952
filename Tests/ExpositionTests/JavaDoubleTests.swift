import Exposition
import Testing

@Suite struct JavaDoubleTests {
    /// Expected strings are what Java's `Double.toString` (JDK 19+) prints, with simpleclient's `+Inf`/`-Inf`.
    static let cases: [(Double, String)] = [
        (42, "42.0"),
        (0.5, "0.5"),
        (1, "1.0"),
        (0, "0.0"),
        (-0.0, "-0.0"),
        (-3, "-3.0"),
        (.nan, "NaN"),
        (.infinity, "+Inf"),
        (-.infinity, "-Inf"),
        (1e-4, "1.0E-4"),
        (123_510_784, "1.23510784E8"),
        (1e7, "1.0E7"),
        (9_999_999, "9999999.0"),
        (9_999_999.5, "9999999.5"),
        (10_000_000.5, "1.00000005E7"),
        (0.001, "0.001"),
        (0.00099, "9.9E-4"),
        (0.0012345, "0.0012345"),
        (1e21, "1.0E21"),
        (1e16, "1.0E16"),
        (1e23, "1.0E23"),
        (0.1, "0.1"),
        (1.0 / 3.0, "0.3333333333333333"),
        (100, "100.0"),
        (1_234_567.125, "1234567.125"),
        (0.51234, "0.51234"),
        (-1.5e-7, "-1.5E-7"),
        (1.784e9, "1.784E9"),
        (9_223_372_036_854_775_808, "9.223372036854776E18"),
        (Double.leastNonzeroMagnitude, "4.9E-324"),
        (Double.leastNonzeroMagnitude * 2, "9.9E-324"),
        (Double.leastNonzeroMagnitude * 4, "2.0E-323"),
        (Double.leastNormalMagnitude, "2.2250738585072014E-308"),
        (Double.greatestFiniteMagnitude, "1.7976931348623157E308"),
        (-Double.greatestFiniteMagnitude, "-1.7976931348623157E308"),
    ]

    @Test(arguments: cases)
    func formatsLikeJava(value: Double, expected: String) {
        #expect(JavaDouble.format(value) == expected)
    }

    /// Every formatted value must parse back to the same double (Prometheus parses it with Go's ParseFloat).
    @Test func roundTripsThroughParsing() {
        var generator = SplitMix64(seed: 0x5EED)
        for _ in 0..<20_000 {
            let value = Double(bitPattern: generator.next())
            guard value.isFinite else { continue }
            let text = JavaDouble.format(value)
            #expect(Double(text) == value, "\(value) formatted as \(text)")
        }
    }

    /// Values of the magnitudes CloudWatch returns round-trip too, and use Java's layout for their range.
    @Test func roundTripsRealisticValuesWithJavaLayout() throws {
        var generator = SplitMix64(seed: 42)
        let plain = try Regex(#"^-?(0|[1-9][0-9]*)\.[0-9]+$"#)
        let scientific = try Regex(#"^-?[1-9]\.[0-9]+E-?[1-9][0-9]*$"#)
        for exponent in -6...10 {
            for _ in 0..<500 {
                let mantissa = Double(generator.next() % 1_000_000_000) / 1e8
                let value = mantissa * pow10(exponent)
                let text = JavaDouble.format(value)
                #expect(Double(text) == value, "\(value) formatted as \(text)")
                if value == 0 { continue }
                let isPlain = value.magnitude >= 1e-3 && value.magnitude < 1e7
                #expect(text.wholeMatch(of: isPlain ? plain : scientific) != nil, "\(value) formatted as \(text)")
            }
        }
    }

    private func pow10(_ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<exponent.magnitude { result *= 10 }
        return exponent < 0 ? 1 / result : result
    }

    /// Plain notation exactly for magnitudes in [1e-3, 1e7), as Java does.
    @Test func switchesToScientificAtJavasThresholds() {
        #expect(!JavaDouble.format(0.001).contains("E"))
        #expect(JavaDouble.format(0.001.nextDown).contains("E-4"))
        #expect(!JavaDouble.format(1e7.nextDown).contains("E"))
        #expect(JavaDouble.format(1e7) == "1.0E7")
    }
}

/// A small deterministic generator so the round-trip test is reproducible.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
