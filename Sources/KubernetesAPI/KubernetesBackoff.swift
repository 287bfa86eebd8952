/// Capped exponential backoff with jitter, for reconnecting after failures.
///
/// After the n-th consecutive failure the wait is `min(maximumDelay, initialDelay × 2^(n-1))` scaled by a random
/// factor in `0.5...1`: clients that failed together do not come back together, and every wait is at least half the
/// nominal one, so a failing server is not hammered.
public struct KubernetesBackoff: Sendable, Equatable {
    /// The wait after the first failure (before jitter).
    public var initialDelay: Duration
    /// The longest wait.
    public var maximumDelay: Duration

    /// Creates a backoff.
    /// - Parameters:
    ///   - initialDelay: The wait after the first failure; default 1 s.
    ///   - maximumDelay: The cap; default 60 s.
    public init(initialDelay: Duration = .seconds(1), maximumDelay: Duration = .seconds(60)) {
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
    }

    /// The wait after `failures` consecutive failures (1 for the first).
    /// - Parameters:
    ///   - failures: Consecutive failures so far; values below 1 are taken as 1.
    ///   - random: Uniform random numbers, for the jitter.
    /// - Returns: A duration between zero and ``maximumDelay``.
    public func delay(afterFailures failures: Int, random: (ClosedRange<Double>) -> Double) -> Duration {
        let maximum = Self.seconds(maximumDelay)
        let exponent = min(max(failures, 1) - 1, 40)
        let nominal = min(maximum, Self.seconds(initialDelay) * Double(sign: .plus, exponent: exponent, significand: 1))
        let jittered = nominal * min(1, max(0.5, random(0.5...1)))
        guard jittered.isFinite, jittered > 0 else { return .zero }
        return .nanoseconds(Int64((jittered * 1e9).rounded()))
    }

    /// A duration in seconds, clamped to `0...1 day` so that later arithmetic cannot overflow.
    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        let value = Double(seconds) + Double(attoseconds) / 1e18
        guard value.isFinite, value > 0 else { return 0 }
        return min(value, 86_400)
    }
}
