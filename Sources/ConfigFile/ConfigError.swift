/// A config file that cannot be used; lists every problem found, not just the first.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    /// All errors, in document order.
    public var diagnostics: [ConfigDiagnostic]
    /// Warnings found alongside the errors (e.g. an unknown key that is really a misspelt required key).
    public var warnings: [ConfigDiagnostic]

    /// Creates an error from its diagnostics.
    public init(diagnostics: [ConfigDiagnostic], warnings: [ConfigDiagnostic] = []) {
        self.diagnostics = diagnostics
        self.warnings = warnings
    }

    /// One diagnostic per line, errors first; warnings carry a `warning:` prefix before the message.
    public var description: String {
        let warningLines = warnings.map { warning in
            var marked = warning
            marked.message = "warning: " + warning.message
            return marked.description
        }
        return (diagnostics.map(\.description) + warningLines).joined(separator: "\n")
    }
}
