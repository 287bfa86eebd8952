/// A config file that cannot be used; lists every problem found, not just the first.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    /// All errors, in document order.
    public var diagnostics: [ConfigDiagnostic]

    /// Creates an error from its diagnostics.
    public init(diagnostics: [ConfigDiagnostic]) {
        self.diagnostics = diagnostics
    }

    /// One diagnostic per line.
    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}
