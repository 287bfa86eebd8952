/// Returns when `deadline` has come (or throws `CancellationError` when the waiting task is cancelled first).
///
/// Every wait on a deadline goes through one of these, so tests decide when a deadline "passes" (a gate they open)
/// instead of racing the clock of a busy machine.
public typealias DeadlineSleep = @Sendable (_ deadline: ContinuousClock.Instant) async throws -> Void

/// The deadline sleeps of production: the continuous clock.
public enum DeadlineClock {
    /// Sleeps on the continuous clock until `deadline`.
    public static let continuous: DeadlineSleep = { deadline in
        try await Task.sleep(until: deadline, clock: .continuous)
    }
}
