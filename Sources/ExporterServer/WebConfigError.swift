/// Why a web configuration file cannot be used: every problem found, each with the file, position and key.
///
/// Messages never contain a secret (a password hash, an inline key): they name the key and say what is wrong.
public struct WebConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One problem in the file.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        /// 1-based line, or 0 when the problem is not tied to a position (an unreadable file).
        public var line: Int
        /// 1-based column, or 0.
        public var column: Int
        /// The dotted key path, e.g. `tls_server_config.client_auth_type`; empty for the whole file.
        public var key: String
        /// What is wrong.
        public var message: String

        public var description: String {
            let position = line > 0 ? "\(line):\(column): " : ""
            return key.isEmpty ? "\(position)\(message)" : "\(position)\(key): \(message)"
        }
    }

    /// The web config file.
    public var file: String
    /// The problems, in file order.
    public var problems: [Problem]

    /// An error with a single problem.
    public init(file: String, line: Int = 0, column: Int = 0, key: String = "", message: String) {
        self.file = file
        self.problems = [Problem(line: line, column: column, key: key, message: message)]
    }

    /// An error with the given problems.
    public init(file: String, problems: [Problem]) {
        self.file = file
        self.problems = problems
    }

    public var description: String {
        problems.map { problem in
            problem.line > 0 ? "web config \(file):\(problem)" : "web config \(file): \(problem)"
        }.joined(separator: "\n")
    }
}
