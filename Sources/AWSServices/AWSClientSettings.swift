public import AWSCore

/// How the exporter talks to AWS: region, optional role, retries and timeouts.
public struct AWSClientSettings: Sendable {
    /// The config's `region`; nil uses `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile, then IMDS.
    public var region: String?
    /// The config's `role_arn`: assumed with session name `cloudwatch_exporter`, signed by the default chain.
    public var roleARN: String?
    /// Attempts and backoff of every AWS call.
    public var retry: RetryPolicy
    /// The timeout of one HTTP attempt.
    public var requestTimeout: Duration

    /// Creates settings.
    /// - Parameters:
    ///   - region: The region, or nil to resolve it.
    ///   - roleARN: A role to assume, or nil.
    ///   - retry: Attempts and backoff (default 3 attempts, 200 ms base, 5 s cap).
    ///   - requestTimeout: The timeout of one attempt (default 10 s).
    public init(
        region: String? = nil,
        roleARN: String? = nil,
        retry: RetryPolicy = .init(),
        requestTimeout: Duration = .seconds(10)
    ) {
        self.region = region
        self.roleARN = roleARN
        self.retry = retry
        self.requestTimeout = requestTimeout
    }
}
