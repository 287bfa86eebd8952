import Synchronization

/// `rate_limit`: a token bucket, Go's `rate.NewLimiter(rate.Every(interval), burst)`: one request per `interval` on
/// average, up to `burst` at once; requests over it are answered 429. A burst of 0 refuses everything, as in Go.
final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var last: ContinuousClock.Instant
    }

    private let interval: Duration
    private let burst: Int
    private let bucket: Mutex<Bucket>

    /// A limiter that starts full, as Go's does.
    init(interval: Duration, burst: Int) {
        self.interval = interval
        self.burst = max(0, burst)
        self.bucket = Mutex(Bucket(tokens: Double(max(0, burst)), last: .now))
    }

    /// Takes a token if one is available.
    func allow(now: ContinuousClock.Instant = .now) -> Bool {
        bucket.withLock { bucket in
            let elapsed = max(Duration.zero, now - bucket.last)
            bucket.last = max(bucket.last, now)
            bucket.tokens = min(Double(burst), bucket.tokens + elapsed / interval)
            guard bucket.tokens >= 1 else { return false }
            bucket.tokens -= 1
            return true
        }
    }
}
