/// One problem found in a config file, with its position.
public struct ConfigDiagnostic: Sendable, Equatable, CustomStringConvertible {
    /// The file name as given to the loader.
    public var file: String
    /// 1-based line, when known.
    public var line: Int?
    /// 1-based column, when known.
    public var column: Int?
    /// Where in the document, e.g. `metrics[2].aws_statistics[0]`; `(root)` for the document itself.
    public var keyPath: String
    /// What is wrong, and how to fix it where we can tell.
    public var message: String

    /// Creates a diagnostic.
    public init(file: String, line: Int?, column: Int?, keyPath: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.keyPath = keyPath
        self.message = message
    }

    /// `FILE:LINE:COLUMN: KEYPATH: MESSAGE` (line and column are `?` when unknown).
    public var description: String {
        let line = self.line.map(String.init) ?? "?"
        let column = self.column.map(String.init) ?? "?"
        return "\(file):\(line):\(column): \(keyPath): \(message)"
    }
}
