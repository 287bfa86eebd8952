/// Parses a Java regular expression (`java.util.regex.Pattern` syntax) into a ``JavaPatternNode`` tree, following
/// `Pattern`'s own parser (JDK 17) construct by construct, so that what Java rejects is rejected here too, and
/// refusing with a reason the constructs ``JavaPattern`` leaves out.
///
/// Supported: literals and every escape of one character (`\t \n \r \f \a \e \0ooo \xhh \x{h…} \uhhhh \cX`, `\.`…),
/// `.`, classes `[…]` with ranges and `^`, `\d \D \w \W \s \S \h \H \v \V`, `\Q…\E`, anchors `^ $ \A \z \Z \b \B`,
/// groups (capturing, named `(?<name>…)`, `(?:…)`), alternation, `* + ? {m} {m,} {m,n}` greedy and lazy, and the
/// inline flags `i m s d` (`(?i)`, `(?i:…)`, `(?-i)`). Left out, each a load error naming it: backreferences,
/// lookaround, atomic groups, possessive quantifiers, `\G \R \X \N{…} \k<…> \b{g}`, `\p{…}`/`\P{…}`, nested classes
/// and `&&` inside a class, the flags `u U x c`, and repetition counts above ``maxRepetition``.
struct JavaPatternParser {
    /// The largest `{m,n}` count accepted: repetitions are compiled by copying their body, so counts bound the program.
    static let maxRepetition = 1000

    private struct Flags {
        var caseInsensitive = false
        var multiline = false
        var dotAll = false
        var unixLines = false
    }

    private let scalars: [UInt32]
    private var position = 0
    private var flags = Flags()
    private(set) var groupCount = 0
    private var groupNames: Set<String> = []

    init(_ pattern: String) {
        scalars = Self.removingQuotes(pattern.unicodeScalars.map(\.value))
    }

    /// Parses the whole pattern.
    mutating func parse() throws(JavaPatternSyntaxError) -> JavaPatternNode {
        let node = try parseAlternation()
        if position < scalars.count {
            if scalars[position] == Self.closeParen {
                throw error("unmatched ) at character \(position + 1)")
            }
            throw error("unexpected \(describe(scalars[position])) at character \(position + 1)")
        }
        return node
    }

    // MARK: - Structure

    private mutating func parseAlternation() throws(JavaPatternSyntaxError) -> JavaPatternNode {
        var alternatives = [try parseSequence()]
        while peek() == Self.bar {
            position += 1
            alternatives.append(try parseSequence())
        }
        return alternatives.count == 1 ? alternatives[0] : .alternation(alternatives)
    }

    private mutating func parseSequence() throws(JavaPatternSyntaxError) -> JavaPatternNode {
        var parts: [JavaPatternNode] = []
        while let scalar = peek(), scalar != Self.bar, scalar != Self.closeParen {
            let atomStart = position
            let atom: JavaPatternNode
            switch scalar {
            case Self.openParen:
                // `(?i)` alone changes the flags and yields no node; a quantifier after it is dangling, as in Java.
                guard let group = try parseGroup() else { continue }
                atom = group
            case Self.openBracket:
                position += 1
                atom = .scalar(try parseClass(openedAt: atomStart))
            case Self.backslash:
                atom = try parseEscapeAtom()
            case Self.caret:
                position += 1
                atom = .assertion(flags.multiline ? .lineStart(unixLines: flags.unixLines) : .inputStart)
            case Self.dollar:
                position += 1
                atom = .assertion(
                    flags.multiline
                        ? .lineEnd(unixLines: flags.unixLines)
                        : .inputEndBeforeFinalTerminator(unixLines: flags.unixLines)
                )
            case Self.dot:
                position += 1
                if flags.dotAll {
                    atom = .scalar(.all)
                } else if flags.unixLines {
                    atom = .scalar(JavaScalarSet(10).inverted())
                } else {
                    atom = .scalar(JavaScalarSet.lineTerminators.inverted())
                }
            case Self.question, Self.star, Self.plus:
                throw error("dangling \(describe(scalar)) at character \(position + 1): nothing before it to repeat")
            case Self.openBrace:
                // Java reads an empty atom here and then the counted repetition of it (`{2}` alone is valid).
                atom = .empty
            default:
                position += 1
                atom = literal(scalar)
            }
            parts.append(try parseQuantifier(atom))
        }
        switch parts.count {
        case 0: return .empty
        case 1: return parts[0]
        default: return .concatenation(parts)
        }
    }

    /// `(…)`, `(?:…)`, `(?<name>…)`, `(?flags)`, `(?flags:…)`; nil for `(?flags)`, whose flags last to the end of the
    /// enclosing group.
    private mutating func parseGroup() throws(JavaPatternSyntaxError) -> JavaPatternNode? {
        let openedAt = position
        position += 1
        let saved = flags
        var index: Int?
        if peek() == Self.question {
            position += 1
            guard let kind = peek() else { throw error("unclosed ( opened at character \(openedAt + 1)") }
            switch kind {
            case Self.colon:
                position += 1
            case Self.equals, Self.exclamation:
                throw unsupported("lookahead (?\(describe(kind))…) at character \(openedAt + 1)")
            case Self.greater:
                throw unsupported("atomic group (?>…) at character \(openedAt + 1)")
            case Self.less:
                position += 1
                if let next = peek(), next == Self.equals || next == Self.exclamation {
                    throw unsupported("lookbehind (?<\(describe(next))…) at character \(openedAt + 1)")
                }
                try parseGroupName(openedAt: openedAt)
                groupCount += 1
                index = groupCount
            case Self.dollar, Self.at:
                throw error("unknown group type (?\(describe(kind)) at character \(openedAt + 1)")
            default:
                try parseFlags()
                if peek() == Self.closeParen {
                    position += 1
                    return nil
                }
                guard peek() == Self.colon else {
                    throw error("unknown inline modifier at character \(position + 1)")
                }
                position += 1
            }
        } else {
            groupCount += 1
            index = groupCount
        }
        let body = try parseAlternation()
        guard peek() == Self.closeParen else { throw error("unclosed ( opened at character \(openedAt + 1)") }
        position += 1
        flags = saved
        return .group(body, index: index)
    }

    private mutating func parseGroupName(openedAt: Int) throws(JavaPatternSyntaxError) {
        var name = ""
        guard let first = peek(), Self.isASCIILetter(first) else {
            throw error("the name of the group at character \(openedAt + 1) does not start with a Latin letter")
        }
        while let scalar = peek(), Self.isASCIILetter(scalar) || Self.isDigit(scalar) {
            name.unicodeScalars.append(Unicode.Scalar(UInt8(scalar)))
            position += 1
        }
        guard peek() == Self.greater else {
            throw error("the named group at character \(openedAt + 1) is missing its closing >")
        }
        position += 1
        guard groupNames.insert(name).inserted else { throw error("the group name \(name) is used twice") }
    }

    /// The letters of `(?idmsux-idmsux…)`.
    private mutating func parseFlags() throws(JavaPatternSyntaxError) {
        var turningOn = true
        while let scalar = peek() {
            switch scalar {
            case Self.minus where turningOn:
                turningOn = false
            case UInt32(UInt8(ascii: "i")): flags.caseInsensitive = turningOn
            case UInt32(UInt8(ascii: "m")): flags.multiline = turningOn
            case UInt32(UInt8(ascii: "s")): flags.dotAll = turningOn
            case UInt32(UInt8(ascii: "d")): flags.unixLines = turningOn
            case UInt32(UInt8(ascii: "u")), UInt32(UInt8(ascii: "U")), UInt32(UInt8(ascii: "x")),
                UInt32(UInt8(ascii: "c")):
                // Turning them off changes nothing here, since they are never on.
                if turningOn { throw unsupported("the inline flag \(describe(scalar)) at character \(position + 1)") }
            default:
                return
            }
            position += 1
        }
    }

    /// One quantifier after `atom`, if any; Java allows only one (`a**` is an error, `a*{2}` repeats an empty atom).
    private mutating func parseQuantifier(_ atom: JavaPatternNode) throws(JavaPatternSyntaxError) -> JavaPatternNode {
        guard let scalar = peek() else { return atom }
        let quantifierStart = position
        let min: Int
        let max: Int?
        switch scalar {
        case Self.question: (min, max) = (0, 1)
        case Self.star: (min, max) = (0, nil)
        case Self.plus: (min, max) = (1, nil)
        case Self.openBrace:
            guard let digit = peek(at: position + 1), Self.isDigit(digit) else {
                throw error("illegal repetition at character \(position + 1): { starts a count such as {2} or {1,3}")
            }
            position += 1
            let lower = readNumber()
            var upper: Int? = lower
            if peek() == Self.comma {
                position += 1
                upper = peek() == Self.closeBrace ? nil : readNumber()
            }
            guard peek() == Self.closeBrace else {
                throw error("unclosed counted repetition at character \(quantifierStart + 1)")
            }
            if let upper, upper < lower {
                throw error("illegal repetition range at character \(quantifierStart + 1): {\(lower),\(upper)}")
            }
            if lower > Self.maxRepetition || (upper ?? 0) > Self.maxRepetition {
                throw unsupported(
                    "a repetition count above \(Self.maxRepetition) at character \(quantifierStart + 1)"
                )
            }
            (min, max) = (lower, upper)
        default:
            return atom
        }
        position += 1
        var greedy = true
        if peek() == Self.question {
            greedy = false
            position += 1
        } else if peek() == Self.plus {
            throw unsupported("the possessive quantifier at character \(position + 1)")
        }
        return .repetition(atom, min: min, max: max, greedy: greedy)
    }

    /// Decimal digits; a number too large for any count saturates (and is refused by the caller).
    private mutating func readNumber() -> Int {
        var value = 0
        while let scalar = peek(), Self.isDigit(scalar) {
            value = Swift.min(value * 10 + Int(scalar - 48), Int(Int32.max))
            position += 1
        }
        return value
    }

    // MARK: - Escapes

    /// What an escape stands for.
    private enum Escape {
        case scalar(UInt32)
        case set(JavaScalarSet)
        case assertion(JavaPatternNode.Assertion)
    }

    private mutating func parseEscapeAtom() throws(JavaPatternSyntaxError) -> JavaPatternNode {
        switch try parseEscape(inClass: false, isRangeStart: false) {
        case .scalar(let scalar): literal(scalar)
        case .set(let set): .scalar(set)
        case .assertion(let assertion): .assertion(assertion)
        }
    }

    /// An escape at `position` (the backslash), as `Pattern.escape` reads it.
    private mutating func parseEscape(inClass: Bool, isRangeStart: Bool) throws(JavaPatternSyntaxError) -> Escape {
        let start = position
        position += 1
        guard let letter = peek() else { throw error("it ends with a lone backslash") }
        position += 1
        let at = "at character \(start + 1)"
        func notInClass(_ escape: Escape) throws(JavaPatternSyntaxError) -> Escape {
            if inClass { throw error("\\\(describe(letter)) \(at) cannot stand inside a class") }
            return escape
        }
        switch letter {
        case 48: return .scalar(try parseOctal(start: start))
        case 49...57:
            if inClass { throw error("illegal escape \\\(describe(letter)) \(at)") }
            throw unsupported("the backreference \\\(describe(letter)) \(at)")
        case ascii("A"): return try notInClass(.assertion(.inputStart))
        case ascii("Z"): return try notInClass(.assertion(.inputEndBeforeFinalTerminator(unixLines: flags.unixLines)))
        case ascii("z"): return try notInClass(.assertion(.inputEnd))
        case ascii("b"):
            if !inClass, peek() == Self.openBrace { throw unsupported("\\b{…} \(at)") }
            return try notInClass(.assertion(.wordBoundary(negated: false)))
        case ascii("B"): return try notInClass(.assertion(.wordBoundary(negated: true)))
        case ascii("d"): return .set(.digit)
        case ascii("D"): return .set(JavaScalarSet.digit.inverted())
        case ascii("w"): return .set(.word)
        case ascii("W"): return .set(JavaScalarSet.word.inverted())
        case ascii("s"): return .set(.space)
        case ascii("S"): return .set(JavaScalarSet.space.inverted())
        case ascii("h"): return .set(.horizontalSpace)
        case ascii("H"): return .set(JavaScalarSet.horizontalSpace.inverted())
        // `\v` before `-` in a class is the old vertical tab (Java keeps that for ranges).
        case ascii("v"): return isRangeStart ? .scalar(0x0B) : .set(.verticalSpace)
        case ascii("V"): return .set(JavaScalarSet.verticalSpace.inverted())
        case ascii("a"): return .scalar(0x07)
        case ascii("e"): return .scalar(0x1B)
        case ascii("f"): return .scalar(0x0C)
        case ascii("n"): return .scalar(0x0A)
        case ascii("r"): return .scalar(0x0D)
        case ascii("t"): return .scalar(0x09)
        case ascii("c"):
            guard let control = peek() else { throw error("illegal control escape \(at)") }
            position += 1
            return .scalar(control ^ 64)
        case ascii("x"): return .scalar(try parseHex(start: start))
        case ascii("u"): return .scalar(try parseUnicode(start: start))
        case ascii("G"), ascii("R"), ascii("X"), ascii("k"), ascii("N"), ascii("p"), ascii("P"):
            if inClass, letter != ascii("N"), letter != ascii("p"), letter != ascii("P") {
                throw error("illegal escape \\\(describe(letter)) \(at)")
            }
            throw unsupported("\\\(describe(letter)) \(at)")
        default:
            // Java refuses a backslash before any other ASCII letter; before anything else it is that character.
            if Self.isASCIILetter(letter) { throw error("illegal escape \\\(describe(letter)) \(at)") }
            return .scalar(letter)
        }
    }

    private mutating func parseOctal(start: Int) throws(JavaPatternSyntaxError) -> UInt32 {
        func octal(_ scalar: UInt32?) -> UInt32? {
            guard let scalar, (48...55).contains(scalar) else { return nil }
            return scalar - 48
        }
        guard let first = octal(peek()) else { throw error("illegal octal escape at character \(start + 1)") }
        position += 1
        guard let second = octal(peek()) else { return first }
        position += 1
        if first <= 3, let third = octal(peek()) {
            position += 1
            return first * 64 + second * 8 + third
        }
        return first * 8 + second
    }

    private mutating func parseHex(start: Int) throws(JavaPatternSyntaxError) -> UInt32 {
        if let first = peek().flatMap(Self.hexValue) {
            position += 1
            if let second = peek().flatMap(Self.hexValue) {
                position += 1
                return first * 16 + second
            }
        } else if peek() == Self.openBrace, peek(at: position + 1).flatMap(Self.hexValue) != nil {
            position += 1
            var value: UInt32 = 0
            while let digit = peek().flatMap(Self.hexValue) {
                value = value * 16 + digit
                if value > JavaScalarSet.maxScalar {
                    throw error("hexadecimal code point too big at character \(start + 1)")
                }
                position += 1
            }
            guard peek() == Self.closeBrace else {
                throw error("unclosed hexadecimal escape at character \(start + 1)")
            }
            position += 1
            return value
        }
        throw error("illegal hexadecimal escape at character \(start + 1)")
    }

    /// `\uhhhh`; a high surrogate followed by `\u` and a low one is the pair's code point, as in Java.
    private mutating func parseUnicode(start: Int) throws(JavaPatternSyntaxError) -> UInt32 {
        func fourHex() -> UInt32? {
            var value: UInt32 = 0
            for offset in 0..<4 {
                guard let digit = peek(at: position + offset).flatMap(Self.hexValue) else { return nil }
                value = value * 16 + digit
            }
            position += 4
            return value
        }
        guard let unit = fourHex() else { throw error("illegal Unicode escape at character \(start + 1)") }
        if (0xD800...0xDBFF).contains(unit), peek() == Self.backslash, peek(at: position + 1) == ascii("u") {
            let saved = position
            position += 2
            if let low = fourHex(), (0xDC00...0xDFFF).contains(low) {
                return 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
            }
            position = saved
        }
        return unit
    }

    // MARK: - Classes

    /// A class after its `[`, as `Pattern.clazz` reads it: `]` first is a literal, `^` first negates.
    private mutating func parseClass(openedAt: Int) throws(JavaPatternSyntaxError) -> JavaScalarSet {
        var negated = false
        if peek() == Self.caret {
            negated = true
            position += 1
        }
        var ranges: [ClosedRange<UInt32>] = []
        var sets: [JavaScalarSet] = []
        var hasMembers = false
        while true {
            guard let scalar = peek() else {
                throw error("unclosed character class opened at character \(openedAt + 1)")
            }
            if scalar == Self.closeBracket, hasMembers {
                position += 1
                break
            }
            if scalar == Self.openBracket {
                throw unsupported("a class inside a class at character \(position + 1)")
            }
            if scalar == Self.ampersand, peek(at: position + 1) == Self.ampersand {
                throw unsupported("class intersection && at character \(position + 1)")
            }
            hasMembers = true
            let itemStart = position
            let first: UInt32
            if scalar == Self.backslash {
                let isRangeStart = peek(at: position + 2) == Self.minus
                switch try parseEscape(inClass: true, isRangeStart: isRangeStart) {
                case .scalar(let value): first = value
                case .set(let set):
                    sets.append(set)
                    continue
                case .assertion:
                    throw error("illegal escape at character \(itemStart + 1)")
                }
            } else {
                position += 1
                first = scalar
            }
            // `a-z` is a range unless `-` is last (`[a-]`) or before a nested class.
            if peek() == Self.minus, let end = peek(at: position + 1), end != Self.closeBracket,
                end != Self.openBracket
            {
                position += 1
                let last: UInt32
                if end == Self.backslash {
                    guard case .scalar(let value) = try parseEscape(inClass: true, isRangeStart: true) else {
                        throw error("illegal character range at character \(itemStart + 1)")
                    }
                    last = value
                } else {
                    position += 1
                    last = end
                }
                guard last >= first else { throw error("illegal character range at character \(itemStart + 1)") }
                ranges.append(first...last)
            } else {
                ranges.append(first...first)
            }
        }
        var set = JavaScalarSet(ranges: ranges)
        if flags.caseInsensitive { set = set.addingASCIICaseVariants() }
        for other in sets { set = set.union(other) }
        return negated ? set.inverted() : set
    }

    // MARK: - Helpers

    private func literal(_ scalar: UInt32) -> JavaPatternNode {
        let set = JavaScalarSet(scalar)
        return .scalar(flags.caseInsensitive ? set.addingASCIICaseVariants() : set)
    }

    private func peek() -> UInt32? {
        position < scalars.count ? scalars[position] : nil
    }

    private func peek(at index: Int) -> UInt32? {
        index < scalars.count ? scalars[index] : nil
    }

    private func error(_ reason: String) -> JavaPatternSyntaxError {
        JavaPatternSyntaxError(reason: reason)
    }

    private func unsupported(_ what: String) -> JavaPatternSyntaxError {
        JavaPatternSyntaxError(
            reason: "\(what) is valid Java but not supported by cloudwatch-tag-exporter",
            isUnsupportedConstruct: true
        )
    }

    private func describe(_ scalar: UInt32) -> String {
        guard let value = Unicode.Scalar(scalar), scalar >= 0x20, scalar != 0x7F else { return "U+\(hex(scalar))" }
        return String(Character(value))
    }

    private func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    private func ascii(_ character: Unicode.Scalar) -> UInt32 { character.value }

    private static func isDigit(_ scalar: UInt32) -> Bool { (48...57).contains(scalar) }

    private static func isASCIILetter(_ scalar: UInt32) -> Bool {
        (65...90).contains(scalar) || (97...122).contains(scalar)
    }

    private static func hexValue(_ scalar: UInt32) -> UInt32? {
        switch scalar {
        case 48...57: scalar - 48
        case 65...70: scalar - 55
        case 97...102: scalar - 87
        default: nil
        }
    }

    private static let backslash: UInt32 = 0x5C
    private static let openParen: UInt32 = 0x28
    private static let closeParen: UInt32 = 0x29
    private static let openBracket: UInt32 = 0x5B
    private static let closeBracket: UInt32 = 0x5D
    private static let openBrace: UInt32 = 0x7B
    private static let closeBrace: UInt32 = 0x7D
    private static let bar: UInt32 = 0x7C
    private static let caret: UInt32 = 0x5E
    private static let dollar: UInt32 = 0x24
    private static let dot: UInt32 = 0x2E
    private static let question: UInt32 = 0x3F
    private static let star: UInt32 = 0x2A
    private static let plus: UInt32 = 0x2B
    private static let minus: UInt32 = 0x2D
    private static let comma: UInt32 = 0x2C
    private static let colon: UInt32 = 0x3A
    private static let equals: UInt32 = 0x3D
    private static let exclamation: UInt32 = 0x21
    private static let less: UInt32 = 0x3C
    private static let greater: UInt32 = 0x3E
    private static let at: UInt32 = 0x40
    private static let ampersand: UInt32 = 0x26

    // MARK: - \Q…\E

    /// `Pattern.RemoveQEQuoting`: before parsing, Java rewrites `\Q…\E` into escaped characters (ASCII letters stay
    /// as they are, a digit first in a quote becomes `\x3N`), so a quote behaves the same wherever it stands.
    static func removingQuotes(_ input: [UInt32]) -> [UInt32] {
        let backslash: UInt32 = 0x5C
        let quoteLetter: UInt32 = 0x51  // Q
        let endLetter: UInt32 = 0x45  // E
        var index = 0
        while index < input.count - 1 {
            if input[index] != backslash {
                index += 1
            } else if input[index + 1] != quoteLetter {
                index += 2
            } else {
                break
            }
        }
        guard index < input.count - 1 else { return input }
        var output = Array(input[..<index])
        index += 2
        var inQuote = true
        var beginQuote = true
        while index < input.count {
            let scalar = input[index]
            index += 1
            let isASCII = scalar < 128
            if !isASCII || isASCIILetter(scalar) {
                output.append(scalar)
            } else if isDigit(scalar) {
                if beginQuote { output += [backslash, 0x78, 0x33] }  // \x3
                output.append(scalar)
            } else if scalar != backslash {
                if inQuote { output.append(backslash) }
                output.append(scalar)
            } else if inQuote {
                inQuote = false
                if index < input.count, input[index] == endLetter {
                    index += 1
                } else {
                    output += [backslash, backslash]
                }
            } else if index < input.count, input[index] == quoteLetter {
                index += 1
                inQuote = true
                beginQuote = true
                continue
            } else {
                output.append(scalar)
                if index < input.count {
                    output.append(input[index])
                    index += 1
                }
            }
            beginQuote = false
        }
        return output
    }
}
