import Exposition
import Foundation
import Testing

/// `JavaDouble` formats subnormals' two-digit candidates with `vsnprintf` instead of `String(format:)` (which is
/// Foundation's, and links ICU); the text must be the same, byte for byte.
@Suite struct TwoDigitScientificTests {
    @Test func sameTextAsStringFormatOnSubnormalsAndBeyond() {
        var values: [Double] = [
            .leastNonzeroMagnitude, .leastNonzeroMagnitude * 2, .leastNonzeroMagnitude * 3, .leastNormalMagnitude,
            .leastNormalMagnitude.nextDown, .greatestFiniteMagnitude, 1, 0.5, 9.95, 9.949_999, 1e-310, 123_456,
        ]
        // Every power-of-two step through the subnormals, and their neighbours.
        var value = Double.leastNonzeroMagnitude
        while value < Double.leastNormalMagnitude {
            values += [value, value.nextUp, value * 3, value * 7]
            value *= 2
        }
        let different = values.filter { JavaDouble.twoDigitScientific($0) != String(format: "%.1e", $0) }
        #expect(different == [])
    }
}
