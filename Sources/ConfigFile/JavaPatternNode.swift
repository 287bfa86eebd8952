/// The syntax tree of a Java regular expression, for the subset ``JavaPattern`` supports.
indirect enum JavaPatternNode: Sendable, Equatable {
    /// Matches the empty string.
    case empty
    /// One scalar in the set (a literal, `.`, a class, `\d`...).
    case scalar(JavaScalarSet)
    /// The parts, one after another.
    case concatenation([JavaPatternNode])
    /// The first alternative that leads to a match, in order.
    case alternation([JavaPatternNode])
    /// A group: capturing when `index` is set (1-based, in the order of the opening parentheses).
    case group(JavaPatternNode, index: Int?)
    /// `*`, `+`, `?`, `{m}`, `{m,}`, `{m,n}`: `max` nil is unbounded; `greedy` false is the lazy form (`*?`...).
    case repetition(JavaPatternNode, min: Int, max: Int?, greedy: Bool)
    /// A zero-width assertion.
    case assertion(Assertion)

    /// The zero-width assertions, with Java's definitions (`java.util.regex.Pattern`'s `Begin`, `Caret`,
    /// `UnixCaret`, `Dollar`, `UnixDollar`, `End` and `Bound` nodes).
    enum Assertion: Sendable, Equatable {
        /// `\A`, and `^` without `MULTILINE`: the start of the input.
        case inputStart
        /// `^` with `MULTILINE`: the start of the input or after a line terminator, never at the end of the input;
        /// `unixLines`: `\n` is the only terminator.
        case lineStart(unixLines: Bool)
        /// `\z`: the end of the input.
        case inputEnd
        /// `$` without `MULTILINE`, and `\Z`: the end of the input, or before a line terminator (or `\r\n`) that
        /// ends the input.
        case inputEndBeforeFinalTerminator(unixLines: Bool)
        /// `$` with `MULTILINE`: before any line terminator (not between `\r` and `\n`), or at the end.
        case lineEnd(unixLines: Bool)
        /// `\b`, or `\B` when `negated`.
        case wordBoundary(negated: Bool)
    }

    /// Whether the node can match the empty string (then a loop around it needs Java's empty-iteration rule).
    var canMatchEmpty: Bool {
        switch self {
        case .empty, .assertion: true
        case .scalar: false
        case .concatenation(let parts): parts.allSatisfy(\.canMatchEmpty)
        case .alternation(let alternatives): alternatives.contains { $0.canMatchEmpty }
        case .group(let node, _): node.canMatchEmpty
        case .repetition(let node, let min, _, _): min == 0 || node.canMatchEmpty
        }
    }
}
