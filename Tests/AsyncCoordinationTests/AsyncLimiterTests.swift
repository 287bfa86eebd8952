import AWSTestSupport
import AsyncCoordination
import Synchronization
import Testing

/// The concurrency bound: never more slots than the limit, first come first served (those asking to go first before
/// the others), a cancelled waiter leaves the queue, and a child bound takes its parent's slots too.
@Suite(.timeLimit(.minutes(1))) struct AsyncLimiterTests {
    final class Tracker: Sendable {
        let state = Mutex<(running: Int, most: Int, order: [Int])>((0, 0, []))

        func enter(_ id: Int) {
            state.withLock { state in
                state.running += 1
                state.most = max(state.most, state.running)
                state.order.append(id)
            }
        }

        func leave() { state.withLock { $0.running -= 1 } }
        var most: Int { state.withLock { $0.most } }
        var order: [Int] { state.withLock { $0.order } }
        var running: Int { state.withLock { $0.running } }
    }

    static func waitUntil(_ condition: () -> Bool) async {
        while !condition() { await Task.yield() }
    }

    @Test func neverMoreThanTheLimitAtOnce() async throws {
        let limiter = AsyncLimiter(limit: 3)
        let tracker = Tracker()
        let gate = Gate()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for id in 0..<10 {
                group.addTask {
                    try await limiter.withSlot {
                        tracker.enter(id)
                        await gate.wait()
                        tracker.leave()
                    }
                }
            }
            await Self.waitUntil { tracker.running == 3 }
            gate.open()
            try await group.waitForAll()
        }
        #expect(tracker.most == 3)
        #expect(tracker.order.count == 10)
    }

    @Test func waitersAreServedInArrivalOrder() async throws {
        let limiter = AsyncLimiter(limit: 1)
        let tracker = Tracker()
        let holder = Gate()
        let held = Task { try await limiter.withSlot { await holder.wait() } }
        var waiters: [Task<Void, any Error>] = []
        for id in 1...4 {
            waiters.append(Task { try await limiter.withSlot { tracker.enter(id) } })
            // Each waiter queues before the next one is created.
            await Self.waitUntil { limiter.waiting == id }
        }
        holder.open()
        try await held.value
        for waiter in waiters { try await waiter.value }
        #expect(tracker.order == [1, 2, 3, 4])
    }

    @Test func waitersAskingToGoFirstAreServedBeforeTheOthersInTheirArrivalOrder() async throws {
        let limiter = AsyncLimiter(limit: 1)
        let tracker = Tracker()
        let holder = Gate()
        let held = Task { try await limiter.withSlot { await holder.wait() } }
        await Self.waitUntil { limiter.waiting == 0 && limiter.available == 0 }
        var waiters: [Task<Void, any Error>] = []
        // Batches 1, 2, 4 queue as they come; pages 3 and 5 ask to go first.
        for id in 1...5 {
            let first = id == 3 || id == 5
            waiters.append(Task { try await limiter.withSlot(first: first) { tracker.enter(id) } })
            await Self.waitUntil { limiter.waiting == id }
        }
        holder.open()
        try await held.value
        for waiter in waiters { try await waiter.value }
        #expect(tracker.order == [3, 5, 1, 2, 4])
    }

    @Test func cancelledWaitersLeaveFromAnywhereInTheQueueAndTheRestKeepTheirOrder() async throws {
        let limiter = AsyncLimiter(limit: 1)
        let tracker = Tracker()
        let holder = Gate()
        let held = Task { try await limiter.withSlot { await holder.wait() } }
        await Self.waitUntil { limiter.waiting == 0 && limiter.available == 0 }
        var waiters: [Int: Task<Void, any Error>] = [:]
        for id in 1...600 {
            waiters[id] = Task { try await limiter.withSlot(first: id.isMultiple(of: 7)) { tracker.enter(id) } }
            await Self.waitUntil { limiter.waiting == id }
        }
        let cancelled = Set((1...600).filter { $0.isMultiple(of: 3) })
        for id in cancelled.sorted() { waiters[id]?.cancel() }
        for id in cancelled.sorted() {
            await #expect(throws: CancellationError.self) { try await waiters[id]?.value }
        }
        #expect(limiter.waiting == 600 - cancelled.count)
        holder.open()
        try await held.value
        for id in 1...600 where !cancelled.contains(id) { try await waiters[id]?.value }
        let kept = (1...600).filter { !cancelled.contains($0) }
        #expect(tracker.order == kept.filter { $0.isMultiple(of: 7) } + kept.filter { !$0.isMultiple(of: 7) })
        #expect(limiter.waiting == 0)
        #expect(limiter.available == 1)
    }

    @Test func aCancelledWaiterLeavesTheQueue() async throws {
        let limiter = AsyncLimiter(limit: 1)
        let holder = Gate()
        let held = Task { try await limiter.withSlot { await holder.wait() } }
        await Self.waitUntil { limiter.waiting == 0 && limiter.available == 0 }
        let cancelled = Task { try await limiter.withSlot { 1 } }
        await Self.waitUntil { limiter.waiting == 1 }
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        #expect(limiter.waiting == 0)
        holder.open()
        try await held.value
        #expect(try await limiter.withSlot { 2 } == 2)
        #expect(limiter.available == 1)
    }

    @Test func aChildBoundAlsoTakesItsParentsSlot() async throws {
        let global = AsyncLimiter(limit: 2)
        let regionA = AsyncLimiter(limit: 2, parent: global)
        let regionB = AsyncLimiter(limit: 2, parent: global)
        let gate = Gate()
        let tracker = Tracker()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for id in 0..<6 {
                let limiter = id.isMultiple(of: 2) ? regionA : regionB
                group.addTask {
                    try await limiter.withSlot {
                        tracker.enter(id)
                        await gate.wait()
                        tracker.leave()
                    }
                }
            }
            await Self.waitUntil { tracker.running == 2 }
            gate.open()
            try await group.waitForAll()
        }
        #expect(tracker.most == 2)
    }

    @Test func limitsBelowOneCountAsOne() async throws {
        #expect(AsyncLimiter(limit: 0).available == 1)
        #expect(AsyncLimiter(limit: -5).available == 1)
    }
}
