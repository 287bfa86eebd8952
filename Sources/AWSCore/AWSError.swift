/// A failed AWS call: an error answered by the service, or a transport, timeout or decoding failure.
///
/// The message never contains credentials or tokens.
public struct AWSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is; decides whether it is retried.
    public enum Kind: String, Sendable {
        case service, throttling, accessDenied, validation, notFound, connection, malformedResponse, credentials,
            configuration
        /// One attempt took longer than the request timeout (retried while the deadline allows).
        case timeout
        /// The caller's deadline came before an answer: the call was abandoned (or never sent). Code `Timeout`.
        case deadlineExceeded
        /// The calling task was cancelled (a client gone, a shutdown). Code `Cancelled`.
        case cancelled
    }

    /// Whether the call was abandoned because its caller's deadline passed or its task was cancelled: a missed
    /// request, not a failure of the service.
    public var isAbandoned: Bool { kind == .deadlineExceeded || kind == .cancelled }

    /// The error of a call abandoned at its caller's deadline.
    public static func deadlineExceeded(service: String, operation: String, _ message: String) -> AWSError {
        AWSError(kind: .deadlineExceeded, service: service, operation: operation, code: "Timeout", message: message)
    }

    /// The error of a call whose task was cancelled.
    public static func cancelled(service: String, operation: String) -> AWSError {
        AWSError(
            kind: .cancelled,
            service: service,
            operation: operation,
            code: "Cancelled",
            message: "the call was cancelled"
        )
    }

    /// The kind of failure.
    public var kind: Kind
    /// The service: `cloudwatch`, `elb`, `elbv2`, `tagging`, `sts`, `imds` or `container`.
    public var service: String
    /// The operation, e.g. `ListMetrics`.
    public var operation: String
    /// The AWS error code (`Throttling`, `AccessDenied`, ...) or a transport code (`ConnectionError`, `Timeout`,
    /// `MalformedResponse`).
    public var code: String
    /// A human-readable message.
    public var message: String
    /// The HTTP status, when a response arrived.
    public var httpStatus: Int?
    /// The AWS request id, when the response carried one.
    public var requestId: String?

    /// Creates an error.
    public init(
        kind: Kind,
        service: String,
        operation: String,
        code: String,
        message: String,
        httpStatus: Int? = nil,
        requestId: String? = nil
    ) {
        self.kind = kind
        self.service = service
        self.operation = operation
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
        self.requestId = requestId
    }

    public var description: String {
        var text = "\(service) \(operation) failed: \(code)"
        if !message.isEmpty { text += ": \(message)" }
        if let httpStatus { text += " (HTTP \(httpStatus)" + (requestId.map { ", request id \($0))" } ?? ")") }
        return text
    }
}
