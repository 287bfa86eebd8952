import AWSCore
public import FoundationEssentials

/// A failed AWS call of a rule, as the status page shows it: never credentials (``AWSError`` messages carry none).
public struct RuleFailure: Sendable, Equatable {
    /// The service, e.g. `cloudwatch`.
    public var service: String
    /// The operation, e.g. `GetMetricStatistics`.
    public var operation: String
    /// The AWS error code, or a transport code.
    public var code: String
    /// The message AWS or the transport gave.
    public var message: String
    /// Whether AWS refused the call for missing permissions.
    public var isAccessDenied: Bool
    /// When it happened (the scrape's wall-clock time).
    public var time: Date

    /// Creates a failure record.
    public init(service: String, operation: String, code: String, message: String, isAccessDenied: Bool, time: Date) {
        self.service = service
        self.operation = operation
        self.code = code
        self.message = message
        self.isAccessDenied = isAccessDenied
        self.time = time
    }

    /// The record of `error`, or `nil` for a cancellation (a scrape cut short is not a failure of the rule).
    public init?(_ error: any Error, time: Date) {
        if error is CancellationError || (error as? AWSError)?.kind == .cancelled { return nil }
        if let error = error as? AWSError {
            let denied =
                error.kind == .accessDenied
                || ["AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "StatusCodeForbidden"].contains(
                    error.code
                )
            self.init(
                service: error.service,
                operation: error.operation,
                code: error.code,
                message: String(error.message.prefix(500)),
                isAccessDenied: denied,
                time: time
            )
        } else {
            self.init(
                service: "",
                operation: "",
                code: String(describing: type(of: error)),
                message: String(String(describing: error).prefix(500)),
                isAccessDenied: false,
                time: time
            )
        }
    }

    /// The IAM action the call needs, e.g. `cloudwatch:GetMetricStatistics`.
    public var iamAction: String {
        let prefix =
            switch service {
            case "elb", "elbv2": "elasticloadbalancing"
            case "tagging": "tag"
            default: service
            }
        return "\(prefix):\(operation)"
    }
}
