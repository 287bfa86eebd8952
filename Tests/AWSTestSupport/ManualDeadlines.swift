public import AsyncCoordination
import Synchronization

/// Deadlines that pass when the test says so, not by the clock: a ``DeadlineSleep`` for the code under test and
/// ``pass(_:)`` for the test. Each deadline is told apart by its instant, so a test makes distinct ones with
/// `.now.advanced(by:)` and distinct offsets.
public final class ManualDeadlines: Sendable {
    private let gates = Mutex<[ContinuousClock.Instant: Gate]>([:])

    /// Creates deadlines that have not passed.
    public init() {}

    /// Returns when the test passes `deadline` (or throws `CancellationError` when the sleeping task is cancelled).
    public var sleep: DeadlineSleep {
        { deadline in try await self.gate(deadline).waitOrCancel() }
    }

    /// Lets every sleep until `deadline` return.
    public func pass(_ deadline: ContinuousClock.Instant) {
        gate(deadline).open()
    }

    /// How many distinct deadlines something has slept on so far.
    public var deadlinesSleptOn: Int { gates.withLock { $0.count } }

    private func gate(_ deadline: ContinuousClock.Instant) -> Gate {
        gates.withLock { gates in
            if let gate = gates[deadline] { return gate }
            let gate = Gate()
            gates[deadline] = gate
            return gate
        }
    }
}
