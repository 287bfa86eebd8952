/// A set of Unicode scalar values, as one Java regex character class matches them: sorted, disjoint, non-adjacent
/// ranges, with a bitmap for ASCII so that the common case is one shift and one mask.
struct JavaScalarSet: Sendable, Equatable {
    /// The ranges, sorted and merged.
    private(set) var ranges: [ClosedRange<UInt32>]
    /// Bit `n` of `low` (n < 64) or `high` (n ≥ 64) is set when scalar `n` is in the set.
    private var low: UInt64 = 0
    private var high: UInt64 = 0

    /// The largest Unicode scalar value.
    static let maxScalar: UInt32 = 0x10_FFFF

    init(ranges: [ClosedRange<UInt32>]) {
        self.ranges = Self.normalized(ranges)
        for range in self.ranges where range.lowerBound < 128 {
            for value in range.lowerBound...min(range.upperBound, 127) {
                if value < 64 { low |= 1 << UInt64(value) } else { high |= 1 << UInt64(value - 64) }
            }
        }
    }

    init(_ scalars: UInt32...) {
        self.init(ranges: scalars.map { $0...$0 })
    }

    /// The ASCII members as two 64-bit masks (scalars 0–63, 64–127), for matchers that test ASCII without touching
    /// the ranges.
    var asciiMasks: (UInt64, UInt64) { (low, high) }

    /// Whether `value` is in the set.
    @inline(__always)
    func contains(_ value: UInt32) -> Bool {
        if value < 64 { return low & (1 << UInt64(value)) != 0 }
        if value < 128 { return high & (1 << UInt64(value - 64)) != 0 }
        var lower = 0
        var upper = ranges.count
        while lower < upper {
            let middle = (lower + upper) / 2
            let range = ranges[middle]
            if value < range.lowerBound {
                upper = middle
            } else if value > range.upperBound {
                lower = middle + 1
            } else {
                return true
            }
        }
        return false
    }

    /// Every scalar that is in either set.
    func union(_ other: JavaScalarSet) -> JavaScalarSet {
        JavaScalarSet(ranges: ranges + other.ranges)
    }

    /// Every scalar (surrogates included, which no Swift string holds) that is not in the set.
    func inverted() -> JavaScalarSet {
        var result: [ClosedRange<UInt32>] = []
        var next: UInt32 = 0
        for range in ranges {
            if range.lowerBound > next { result.append(next...(range.lowerBound - 1)) }
            next = range.upperBound + 1
        }
        if next <= Self.maxScalar { result.append(next...Self.maxScalar) }
        return JavaScalarSet(ranges: result)
    }

    /// The set plus the other case of every ASCII letter in it: Java's `CASE_INSENSITIVE` without `UNICODE_CASE`
    /// folds US-ASCII only.
    func addingASCIICaseVariants() -> JavaScalarSet {
        var extra: [ClosedRange<UInt32>] = []
        for letter in UInt32(65)...90 {
            if contains(letter) { extra.append((letter + 32)...(letter + 32)) }
            if contains(letter + 32) { extra.append(letter...letter) }
        }
        return extra.isEmpty ? self : JavaScalarSet(ranges: ranges + extra)
    }

    private static func normalized(_ ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
        let sorted = ranges.sorted { $0.lowerBound < $1.lowerBound }
        var merged: [ClosedRange<UInt32>] = []
        for range in sorted {
            if let last = merged.last, range.lowerBound <= last.upperBound || range.lowerBound - 1 == last.upperBound {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        return merged
    }
}

extension JavaScalarSet {
    /// `\d`: ASCII digits (Java without `UNICODE_CHARACTER_CLASS`).
    static let digit = JavaScalarSet(ranges: [48...57])
    /// `\w`: `[a-zA-Z_0-9]`.
    static let word = JavaScalarSet(ranges: [48...57, 65...90, 95...95, 97...122])
    /// `\s`: `[ \t\n\x0B\f\r]`.
    static let space = JavaScalarSet(ranges: [9...13, 32...32])
    /// `\h`: horizontal whitespace.
    static let horizontalSpace = JavaScalarSet(ranges: [
        9...9, 32...32, 0xA0...0xA0, 0x1680...0x1680, 0x180E...0x180E, 0x2000...0x200A, 0x202F...0x202F,
        0x205F...0x205F, 0x3000...0x3000,
    ])
    /// `\v`: vertical whitespace.
    static let verticalSpace = JavaScalarSet(ranges: [10...13, 0x85...0x85, 0x2028...0x2029])
    /// Java's line terminators, which `.` does not match: `\n`, `\r`, `\u0085`, `\u2028`, `\u2029`.
    static let lineTerminators = JavaScalarSet(ranges: [10...10, 13...13, 0x85...0x85, 0x2028...0x2029])
    /// Every scalar.
    static let all = JavaScalarSet(ranges: [0...maxScalar])
}
