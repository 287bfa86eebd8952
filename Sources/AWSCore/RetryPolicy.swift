/// How failed AWS calls are retried: a fixed number of attempts with "full jitter" exponential backoff.
///
/// The delay before retry `n` (n = 1 for the first retry) is `random() * min(maxDelay, baseDelay * 2^(n-1))`.
/// Throttling, 5xx answers, transient codes, connection errors and timeouts are retried; access-denied,
/// validation and not-found errors never are.
public struct RetryPolicy: Sendable {
    /// Total attempts, including the first one. At least 1.
    public var maxAttempts: Int
    /// The backoff scale.
    public var baseDelay: Duration
    /// The backoff cap.
    public var maxDelay: Duration
    /// A source of uniformly distributed numbers in `0..<1`; injectable for tests.
    public var random: @Sendable () -> Double
    /// Sleeps for a duration; injectable for tests. Throws on cancellation.
    public var sleep: @Sendable (Duration) async throws -> Void

    /// Creates a policy.
    /// - Parameters:
    ///   - maxAttempts: Total attempts (default 3); values below 1 count as 1.
    ///   - baseDelay: Backoff scale (default 200 ms).
    ///   - maxDelay: Backoff cap (default 5 s).
    ///   - random: Uniform random numbers in `0..<1`.
    ///   - sleep: How to wait between attempts.
    public init(
        maxAttempts: Int = 3,
        baseDelay: Duration = .milliseconds(200),
        maxDelay: Duration = .seconds(5),
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.random = random
        self.sleep = sleep
    }

    /// The backoff before retry number `retry` (1 for the first retry).
    public func delay(beforeRetry retry: Int) -> Duration {
        let exponent = min(max(retry - 1, 0), 30)
        let ceiling = min(maxDelay, baseDelay * (1 << exponent))
        let fraction = min(max(random(), 0), 1)
        return ceiling * fraction
    }

    /// Why `error` is worth retrying (`throttling`, `server_error`, `connection`, `timeout`), or nil when it is not.
    public static func retryReason(for error: AWSError) -> String? {
        switch error.kind {
        case .throttling:
            return "throttling"
        case .connection:
            return "connection"
        case .timeout:
            return "timeout"
        case .service:
            if let status = error.httpStatus, status >= 500 { return "server_error" }
            if AWSErrorDecoder.transientCodes.contains(error.code) { return "server_error" }
            return nil
        case .accessDenied, .validation, .notFound, .malformedResponse, .credentials, .configuration,
            .deadlineExceeded, .cancelled:
            return nil
        }
    }
}
