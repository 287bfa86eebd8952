extension StringProtocol {
    /// `trimmingCharacters(in: .whitespaces)` (or `.whitespacesAndNewlines` with `newlines`) without Foundation,
    /// whose string helpers link ICU: CoreFoundation's sets, written out (tab, space, U+00A0, U+1680, U+2000–U+200B,
    /// U+202F, U+205F, U+3000; plus U+000A–U+000D, U+0085, U+2028 and U+2029 as newlines), removed from both ends.
    package func trimmingWhitespace(newlines: Bool = false) -> String {
        let scalars = unicodeScalars
        func trimmed(_ scalar: Unicode.Scalar) -> Bool {
            switch scalar.value {
            case 0x09, 0x20, 0xA0, 0x1680, 0x2000...0x200B, 0x202F, 0x205F, 0x3000: return true
            default: break
            }
            guard newlines else { return false }
            return (0x0A...0x0D).contains(scalar.value) || scalar.value == 0x85 || scalar.value == 0x2028
                || scalar.value == 0x2029
        }
        guard let first = scalars.firstIndex(where: { !trimmed($0) }),
            let last = scalars.lastIndex(where: { !trimmed($0) })
        else { return "" }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars[first...last])
        return String(result)
    }
}
