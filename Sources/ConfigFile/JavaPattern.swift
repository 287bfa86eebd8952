/// A regular expression of a cloudwatch_exporter config (`aws_dimension_select_regex` values,
/// `arn_resource_id_regexp`), compiled and matched with Java's `java.util.regex.Pattern` semantics, without ICU.
///
/// The syntax is Java's, for the subset ``JavaPatternParser`` documents (everything the patterns of
/// cloudwatch_exporter configs use: literals, escapes, `.`, classes, `\d \w \s`, anchors, groups, alternation, greedy
/// and lazy quantifiers, the `i m s d` flags); a pattern Java rejects, or that uses a construct left out
/// (backreferences, lookaround, possessive quantifiers…), throws at compile time, so the config loader reports it
/// with its position. Matching is Java's: on Unicode scalars (Java's code points), ASCII-only `\d \w \s` and case
/// folding, `.` excluding line terminators, `$` also before a final line terminator, the leftmost match with the
/// groups Java's backtracking would give. It never backtracks: a match costs at most (length of the value + 1) ×
/// the program size (at most ``JavaPatternProgram/maxInstructions``), whatever the pattern and the value.
public struct JavaPattern: Sendable {
    /// The pattern as written in the config.
    public let source: String
    /// Whether ``matches(_:)`` needs the whole text to match (`Pattern.matches`) or a match anywhere
    /// (`Matcher.find`).
    public let anchored: Bool
    private let program: JavaPatternProgram
    /// The automaton for ``matches(_:)`` when anchored and the pattern allows one (see ``JavaPatternDFA``).
    private let automaton: JavaPatternDFA?

    /// Compiles `pattern`.
    /// - Parameters:
    ///   - anchored: `true` for `aws_dimension_select_regex` (Java's `Pattern.matches`: the whole value must
    ///     match), `false` for `arn_resource_id_regexp` (`Matcher.find`: a match anywhere).
    /// - Throws: ``JavaPatternSyntaxError`` when Java would reject the pattern or it uses a construct left out.
    public init(_ pattern: String, anchored: Bool) throws(JavaPatternSyntaxError) {
        var parser = JavaPatternParser(pattern)
        let node = try parser.parse()
        self.source = pattern
        self.anchored = anchored
        self.program = try JavaPatternProgram(node, groupCount: parser.groupCount)
        // For a whole-value match a leading `^`/`\A` and a trailing `$`/`\Z`/`\z` change nothing (the match starts
        // at 0 and must end at the end), and without them most patterns need no assertion, so the automaton applies.
        if anchored, let bare = try? JavaPatternProgram(Self.removingOuterAnchors(node), groupCount: parser.groupCount)
        {
            self.automaton = JavaPatternDFA(bare)
        } else {
            self.automaton = nil
        }
    }

    /// Whether the pattern matches `text`: the whole of it when ``anchored``, else anywhere in it.
    public func matches(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            if let automaton { return automaton.matches(bytes) }
            return anchored
                ? JavaPatternMatcher.matchesWhole(program, bytes)
                : JavaPatternMatcher.find(program, bytes) != nil
        }
    }

    /// The first non-empty capture group of the leftmost match, or `""` when there is no match or every group is
    /// empty or unset: cloudwatch_exporter's resource id extraction with `arn_resource_id_regexp` (`Matcher.find()`,
    /// then groups 1, 2, … in order). Searches anywhere in `text` whether or not the pattern is ``anchored``.
    public func firstNonEmptyGroup(in text: String) -> String {
        groups(in: text)?.dropFirst().first { $0?.isEmpty == false }.flatMap { $0 } ?? ""
    }

    /// `node` without the anchors at its very start and end, which hold trivially in a whole-value match.
    private static func removingOuterAnchors(_ node: JavaPatternNode) -> JavaPatternNode {
        switch node {
        case .assertion(.inputStart), .assertion(.inputEnd), .assertion(.inputEndBeforeFinalTerminator):
            return .empty
        case .alternation(let alternatives):
            return .alternation(alternatives.map(removingOuterAnchors))
        case .concatenation(var parts):
            if let first = parts.first, case .assertion(.inputStart) = first { parts.removeFirst() }
            if let last = parts.last, case .assertion(let assertion) = last,
                assertion == .inputEnd || assertion == .inputEndBeforeFinalTerminator(unixLines: false)
                    || assertion == .inputEndBeforeFinalTerminator(unixLines: true)
            {
                parts.removeLast()
            }
            return .concatenation(parts)
        default:
            return node
        }
    }

    /// The groups of the leftmost match (index 0 is the whole match; nil for a group that did not take part), or nil
    /// when nothing matches: what Java's `Matcher.find()` then `group(n)` give. For tests against Java.
    package func groups(in text: String) -> [String?]? {
        var text = text
        return text.withUTF8 { bytes -> [String?]? in
            guard let slots = JavaPatternMatcher.find(program, bytes) else { return nil }
            return (0...program.groupCount).map { group -> String? in
                let start = slots[2 * group]
                let end = slots[2 * group + 1]
                guard start >= 0, end >= start, end <= bytes.count else { return nil }
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
            }
        }
    }
}
