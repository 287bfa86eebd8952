/// Why a regular expression was refused: Java rejects it too, or it uses a construct ``JavaPattern`` leaves out.
public struct JavaPatternSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, e.g. `unclosed ( opened at character 1`.
    public var reason: String
    /// Whether Java accepts the pattern (a construct this exporter does not support) rather than rejecting it.
    public var isUnsupportedConstruct: Bool

    public init(reason: String, isUnsupportedConstruct: Bool = false) {
        self.reason = reason
        self.isUnsupportedConstruct = isUnsupportedConstruct
    }

    public var description: String { reason }
}
