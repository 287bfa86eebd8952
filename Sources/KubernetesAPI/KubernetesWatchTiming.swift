import FoundationEssentials

/// The time and chance the directory's loops use, injectable so that tests never wait for real backoffs.
///
/// Only backoff sleeps, the not-installed retry interval, status timestamps, token age and random choices (jitter,
/// watch timeouts) go through here. Guards against a server that stops answering (request time limits) use real
/// time, which tests never depend on.
public struct KubernetesWatchTiming: Sendable {
    /// The wall clock, for status timestamps and the token file's age.
    public var now: @Sendable () -> Date
    /// Sleeps for a duration; throws when the task is cancelled.
    public var sleep: @Sendable (Duration) async throws -> Void
    /// A uniformly distributed number in the range, for jitter and watch timeouts.
    public var random: @Sendable (ClosedRange<Double>) -> Double

    /// Creates a timing.
    /// - Parameters:
    ///   - now: The wall clock.
    ///   - sleep: Sleeps; must throw on cancellation.
    ///   - random: Uniform random numbers in a range.
    public init(
        now: @escaping @Sendable () -> Date,
        sleep: @escaping @Sendable (Duration) async throws -> Void,
        random: @escaping @Sendable (ClosedRange<Double>) -> Double
    ) {
        self.now = now
        self.sleep = sleep
        self.random = random
    }

    /// Real time and the system's random numbers.
    public static var live: KubernetesWatchTiming {
        KubernetesWatchTiming(
            now: { Date() },
            sleep: { try await Task.sleep(for: $0) },
            random: { Double.random(in: $0) }
        )
    }
}
