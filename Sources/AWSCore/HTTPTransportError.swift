/// A request that got no HTTP response: the connection failed or the time ran out.
///
/// Transports should throw this so the caller can tell timeouts from connection errors; any other error a
/// transport throws is treated as a connection error.
public struct HTTPTransportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: String, Sendable {
        /// Connecting, TLS, or the connection closing early.
        case connection
        /// The request or the connection attempt timed out.
        case timeout
    }

    /// What went wrong.
    public var kind: Kind
    /// Details for logs.
    public var message: String

    /// Creates an error.
    public init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(kind.rawValue) error: \(message)" }
}
