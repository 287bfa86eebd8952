/// Receives an event for every AWS call, so the exporter can count requests, retries and errors.
///
/// `service` is one of `cloudwatch`, `elb`, `elbv2`, `tagging`, `sts`, `imds`, `container`; `action` is the AWS
/// operation name, e.g. `ListMetrics`.
public protocol AWSCallObserver: Sendable {
    /// An HTTP attempt was sent.
    func awsCallAttempted(service: String, action: String)
    /// An attempt failed and will be retried; `reason` is `throttling`, `server_error`, `connection` or `timeout`.
    func awsCallRetried(service: String, action: String, reason: String)
    /// The call failed for good, after any retries; `code` is the AWS error code or a transport code.
    func awsCallFailed(service: String, action: String, code: String)
}

/// An observer that ignores every event.
public struct NoopAWSCallObserver: AWSCallObserver {
    /// Creates the observer.
    public init() {}
    public func awsCallAttempted(service: String, action: String) {}
    public func awsCallRetried(service: String, action: String, reason: String) {}
    public func awsCallFailed(service: String, action: String, code: String) {}
}
