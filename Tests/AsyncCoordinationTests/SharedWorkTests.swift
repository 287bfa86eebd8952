import AWSTestSupport
import AsyncCoordination
import Synchronization
import Testing

/// Start or join; each caller leaves at its own deadline or cancellation; the work goes on for the others, bounded.
/// Deadlines pass when a test says so (``ManualDeadlines``), and work ends when a test opens its gate.
@Suite(.timeLimit(.minutes(1))) struct SharedWorkTests {
    /// Counts operation starts and holds each operation until its gate opens.
    final class HeldOperation: Sendable {
        let gate = Gate()
        let starts = Atomic<Int>(0)
        let bounds = Mutex<[ContinuousClock.Instant?]>([])

        func run(_ value: Int) -> SharedWork<String, Int>.Operation {
            { bound in
                self.starts.add(1, ordering: .relaxed)
                self.bounds.withLock { $0.append(bound) }
                try await self.gate.waitOrCancel()
                return value
            }
        }

        var startCount: Int { starts.load(ordering: .relaxed) }
    }

    static func waitUntil(_ condition: () -> Bool) async {
        while !condition() { await Task.yield() }
    }

    @Test func concurrentCallersShareOneRun() async throws {
        let work = SharedWork<String, Int>()
        let held = HeldOperation()
        let first = Task { try await work.value(for: "k", until: nil, startingWith: held.run(1)) }
        await Self.waitUntil { held.startCount == 1 }
        let second = Task { try await work.value(for: "k", until: nil, startingWith: held.run(2)) }
        #expect(work.isRunning("k"))
        held.gate.open()
        #expect(try await first.value == 1)
        #expect(try await second.value == 1)
        #expect(held.startCount == 1)
        #expect(!work.isRunning("k"))
    }

    @Test func aCallerLeavesAtItsDeadlineAndTheWorkGoesOnForTheNext() async throws {
        let deadlines = ManualDeadlines()
        let work = SharedWork<String, Int>(overrun: .seconds(30), sleep: deadlines.sleep)
        let held = HeldOperation()
        let early = ContinuousClock.now.advanced(by: .seconds(1_000))
        let late = ContinuousClock.now.advanced(by: .seconds(2_000))
        let impatient = Task { try await work.value(for: "k", until: early, startingWith: held.run(1)) }
        await Self.waitUntil { held.startCount == 1 && deadlines.deadlinesSleptOn >= 1 }
        deadlines.pass(early)
        await #expect(throws: DeadlinePassed.self) { try await impatient.value }
        // The work was not cancelled by the caller that left: a later caller joins it and gets its value.
        #expect(work.isRunning("k"))
        let patient = Task { try await work.value(for: "k", until: late, startingWith: held.run(2)) }
        held.gate.open()
        #expect(try await patient.value == 1)
        #expect(held.startCount == 1)
        // Bounded by the starter's deadline plus the overrun.
        #expect(held.bounds.withLock { $0 } == [early.advanced(by: .seconds(30))])
    }

    @Test func aCancelledCallerLeavesWithoutCancellingTheWork() async throws {
        let work = SharedWork<String, Int>()
        let held = HeldOperation()
        let leaving = Task { try await work.value(for: "k", until: nil, startingWith: held.run(1)) }
        await Self.waitUntil { held.startCount == 1 }
        let staying = Task { try await work.value(for: "k", until: nil, startingWith: held.run(2)) }
        leaving.cancel()
        await #expect(throws: CancellationError.self) { try await leaving.value }
        held.gate.open()
        #expect(try await staying.value == 1)
    }

    @Test func workThatIgnoresCancellationEndsAtItsBound() async throws {
        let deadlines = ManualDeadlines()
        let work = SharedWork<String, Int>(overrun: .seconds(5), sleep: deadlines.sleep)
        let stuck = Gate()
        let deadline = ContinuousClock.now.advanced(by: .seconds(1_000))
        let bound = deadline.advanced(by: .seconds(5))
        let starter = Task {
            try await work.value(for: "k", until: deadline) { _ in
                await stuck.wait()  // ignores cancellation
                return 1
            }
        }
        await Self.waitUntil { work.isRunning("k") }
        let caller = Task { try await work.join("k", until: nil) }
        await Self.waitUntil { deadlines.deadlinesSleptOn >= 2 }
        deadlines.pass(deadline)
        await #expect(throws: DeadlinePassed.self) { try await starter.value }
        #expect(work.isRunning("k"))
        deadlines.pass(bound)
        await #expect(throws: DeadlinePassed.self) { try await caller.value }
        #expect(!work.isRunning("k"))
        // A new call starts a new run.
        #expect(try await work.value(for: "k", until: nil) { _ in 3 } == 3)
        stuck.open()
    }

    @Test func anErrorReachesEveryWaiterAndTheNextCallStartsAgain() async throws {
        struct Failed: Error {}
        let work = SharedWork<String, Int>()
        let gate = Gate()
        let operation: SharedWork<String, Int>.Operation = { _ in
            try await gate.waitOrCancel()
            throw Failed()
        }
        let first = Task { try await work.value(for: "k", until: nil, startingWith: operation) }
        await Self.waitUntil { work.isRunning("k") }
        let second = Task { try await work.value(for: "k", until: nil, startingWith: operation) }
        gate.open()
        await #expect(throws: Failed.self) { try await first.value }
        await #expect(throws: Failed.self) { try await second.value }
        #expect(try await work.value(for: "k", until: nil) { _ in 7 } == 7)
    }

    @Test func keysRunApart() async throws {
        let work = SharedWork<String, Int>()
        let held = HeldOperation()
        let a = Task { try await work.value(for: "a", until: nil, startingWith: held.run(1)) }
        let b = Task { try await work.value(for: "b", until: nil, startingWith: held.run(2)) }
        await Self.waitUntil { held.startCount == 2 }
        held.gate.open()
        #expect(try await a.value == 1)
        #expect(try await b.value == 2)
    }

    @Test func joinWaitsOnlyForWorkAlreadyRunning() async throws {
        let work = SharedWork<String, Int>()
        #expect(try await work.join("k", until: nil) == nil)
        let held = HeldOperation()
        let started = Task { try await work.value(for: "k", until: nil, startingWith: held.run(4)) }
        await Self.waitUntil { held.startCount == 1 }
        let joined = Task { try await work.join("k", until: nil) }
        held.gate.open()
        #expect(try await started.value == 4)
        #expect(try await joined.value == 4)
    }

    @Test func cancelAllEndsEveryRunAndRefusesNewOnes() async throws {
        let work = SharedWork<String, Int>()
        let held = HeldOperation()
        let waiting = Task { try await work.value(for: "k", until: nil, startingWith: held.run(1)) }
        await Self.waitUntil { held.startCount == 1 }
        work.cancelAll()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        await #expect(throws: CancellationError.self) { try await work.value(for: "k", until: nil) { _ in 2 } }
    }

    @Test func aDeadlineAlreadyPastStillStartsTheWorkForLaterCallers() async throws {
        let deadlines = ManualDeadlines()
        let work = SharedWork<String, Int>(overrun: .seconds(30), sleep: deadlines.sleep)
        let held = HeldOperation()
        let past = ContinuousClock.now.advanced(by: .seconds(1_000))
        deadlines.pass(past)
        await #expect(throws: DeadlinePassed.self) {
            try await work.value(for: "k", until: past, startingWith: held.run(9))
        }
        await Self.waitUntil { held.startCount == 1 }
        let later = Task { try await work.join("k", until: nil) }
        held.gate.open()
        #expect(try await later.value == 9)
    }
}
