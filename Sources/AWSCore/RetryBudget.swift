import Synchronization

/// A retry quota shared by every call to one AWS service, as the AWS SDKs' "standard" retry mode keeps it.
///
/// Each retry takes tokens (5, or 10 after a timeout); a call that succeeds at once puts one back, and one that
/// succeeds after retrying gives back what its last retry took. When the quota runs dry, failures are no longer
/// retried: in a throttling storm the exporter then makes one call per request instead of `aws_max_attempts`, so
/// it does not deepen the throttling. The quota refills as calls succeed again.
public final class RetryBudget: Sendable {
    /// The quota of a new budget (the SDKs' value).
    public static let defaultCapacity = 500
    /// Tokens a retry takes.
    public static let retryCost = 5
    /// Tokens a retry after a timeout or connection failure takes (they are costlier to wait out).
    public static let timeoutRetryCost = 10

    private let capacity: Int
    private let tokens: Mutex<Int>

    /// Creates a full budget.
    public init(capacity: Int = RetryBudget.defaultCapacity) {
        self.capacity = max(0, capacity)
        self.tokens = Mutex(max(0, capacity))
    }

    /// Tokens left.
    public var available: Int { tokens.withLock { $0 } }

    /// Takes the tokens for one retry after a failure of `reason` (see ``RetryPolicy/retryReason(for:)``).
    /// - Returns: The tokens taken, to hand back with ``recordSuccess(retryCost:)``; nil when the budget cannot
    ///   pay for the retry, which must then not be made.
    public func takeRetry(reason: String) -> Int? {
        let cost = reason == "timeout" || reason == "connection" ? Self.timeoutRetryCost : Self.retryCost
        return tokens.withLock { tokens in
            guard tokens >= cost else { return nil }
            tokens -= cost
            return cost
        }
    }

    /// Records a successful call: gives back what its last retry took, or one token when it needed none.
    public func recordSuccess(retryCost: Int?) {
        tokens.withLock { $0 = min(capacity, $0 + (retryCost ?? 1)) }
    }
}
