import AWSCore
import Foundation
import Testing

/// `trimmingWhitespace` replaces Foundation's `trimmingCharacters(in: .whitespaces / .whitespacesAndNewlines)` in
/// the AWS targets (which import only FoundationEssentials): the same text for every input here.
@Suite struct WhitespaceTrimmingTests {
    static let inputs: [String] = [
        "", " ", "\t", "\n", "\r\n", "a", " a ", "\ta\t", "\na\n", " \t\r\n a b \n\t ", "\u{00A0}x\u{00A0}",
        "\u{2003}x\u{3000}", "\u{0085}x\u{2028}", "\u{2029}\u{000B}x\u{000C}", "\u{200B}x\u{200B}", "é ", " é",
        "\u{1680}a\u{202F}", "us-east-1\n", "  arn:aws:iam::123456789012:role/x  \n", "a\u{0301} ", "😀 ", " \u{FEFF}",
    ]

    @Test func sameAsFoundationsWhitespaces() {
        for input in Self.inputs {
            #expect(
                input.trimmingWhitespace() == input.trimmingCharacters(in: .whitespaces),
                "\(input.debugDescription)"
            )
        }
    }

    @Test func sameAsFoundationsWhitespacesAndNewlines() {
        for input in Self.inputs {
            #expect(
                input.trimmingWhitespace(newlines: true) == input.trimmingCharacters(in: .whitespacesAndNewlines),
                "\(input.debugDescription)"
            )
        }
    }
}
