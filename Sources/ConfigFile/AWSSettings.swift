/// Retry and timeout settings for AWS API calls (our keys; cloudwatch_exporter leaves these to the SDK).
public struct AWSSettings: Sendable, Hashable {
    /// `aws_max_attempts`: total attempts per call, ≥ 1 (default 3).
    public var maxAttempts: Int
    /// `aws_retry_base_delay_seconds`: the base of the exponential backoff, ≥ 0 (default 0.2).
    public var retryBaseDelaySeconds: Double
    /// `aws_retry_max_delay_seconds`: the cap of one backoff sleep, ≥ 0 (default 5).
    public var retryMaxDelaySeconds: Double
    /// `aws_connect_timeout_seconds`: TCP/TLS connect timeout, > 0 (default 3).
    public var connectTimeoutSeconds: Double
    /// `aws_request_timeout_seconds`: timeout of one HTTP attempt, > 0 (default 10).
    public var requestTimeoutSeconds: Double

    /// Creates settings with the documented defaults.
    public init(
        maxAttempts: Int = 3,
        retryBaseDelaySeconds: Double = 0.2,
        retryMaxDelaySeconds: Double = 5,
        connectTimeoutSeconds: Double = 3,
        requestTimeoutSeconds: Double = 10
    ) {
        self.maxAttempts = maxAttempts
        self.retryBaseDelaySeconds = retryBaseDelaySeconds
        self.retryMaxDelaySeconds = retryMaxDelaySeconds
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.requestTimeoutSeconds = requestTimeoutSeconds
    }
}
