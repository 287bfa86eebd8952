/// A position in a YAML text: 1-based line and column, the column counted in Unicode scalars (as libyaml counts).
public struct YAMLMark: Sendable, Hashable, CustomStringConvertible {
    /// The line, from 1.
    public var line: Int
    /// The column, from 1, in Unicode scalars.
    public var column: Int

    /// A position from its 1-based line and column.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// `line:column`.
    public var description: String { "\(line):\(column)" }

    /// libyaml counts from 0; its counters are `size_t`, so the step to 1-based saturates instead of trapping.
    init(zeroBasedLine line: Int, column: Int) {
        self.init(line: Self.oneBased(line), column: Self.oneBased(column))
    }

    private static func oneBased(_ value: Int) -> Int {
        value < Int.max ? max(value, 0) + 1 : value
    }
}
