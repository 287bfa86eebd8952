import Synchronization

/// Bounds how many operations run at once: AWS calls across a whole scrape (`max_concurrent_requests`), DescribeTags
/// calls of a tag refresh, or reloads (a limit of 1).
///
/// Waiters are served first come, first served, except that a waiter asking to go first (a listing page that the
/// queued calls depend on) is served before every waiter that did not; a waiter whose task is cancelled (the scrape
/// deadline passed) leaves the queue at once with `CancellationError`.
public final class AsyncLimiter: Sendable {
    private typealias Waiter = (id: UInt64, continuation: CheckedContinuation<Void, any Error>)

    /// A first-in first-out queue whose removals, from the front or of a cancelled waiter, cost nothing however
    /// many wait (a scrape can queue tens of thousands of calls, and a deadline cancels them all at once; removing
    /// from an array moves, or searches, all the others).
    private struct Queue {
        private var items: [Waiter?] = []
        /// `items[0]` is the waiter appended `base`-th; `positions` holds where each queued waiter was appended.
        private var base = 0
        private var head = 0
        private var positions: [UInt64: Int] = [:]

        var count: Int { positions.count }

        mutating func append(_ waiter: Waiter) {
            positions[waiter.id] = base + items.count
            items.append(waiter)
        }

        mutating func popFirst() -> Waiter? {
            while head < items.count {
                let waiter = items[head]
                items[head] = nil
                head += 1
                if let waiter {
                    positions[waiter.id] = nil
                    compact()
                    return waiter
                }
            }
            return nil
        }

        /// Takes out the waiter `id` (cancelled); nil when it is not queued here.
        mutating func remove(id: UInt64) -> Waiter? {
            guard let position = positions.removeValue(forKey: id) else { return nil }
            let index = position - base
            let waiter = items[index]
            items[index] = nil
            compact()
            return waiter
        }

        /// Drops the served front once it is most of the storage, so memory follows the waiters queued.
        private mutating func compact() {
            if positions.isEmpty {
                base += items.count
                items.removeAll(keepingCapacity: items.count <= 1_024)
                head = 0
            } else if head >= 1_024, head * 2 >= items.count {
                items.removeFirst(head)
                base += head
                head = 0
            }
        }
    }

    private struct State {
        var available: Int
        var nextID: UInt64 = 0
        var first = Queue()
        var waiters = Queue()
    }

    private let state: Mutex<State>

    /// Creates a limiter allowing `limit` operations at once.
    /// - Parameter parent: A wider bound every slot of this one also takes (the scrape's global bound for a
    ///   region's): this one's slot is taken first, so a busy region never holds the global slots while it waits.
    public init(limit: Int, parent: AsyncLimiter? = nil) {
        state = Mutex(State(available: max(1, limit)))
        self.parent = parent
    }

    private let parent: AsyncLimiter?

    /// Slots free at this moment.
    public var available: Int { state.withLock { $0.available } }

    /// Callers queued for a slot at this moment.
    public var waiting: Int { state.withLock { $0.first.count + $0.waiters.count } }

    /// Runs `operation` once a slot is free (here and in the parent).
    /// - Parameter first: Queue before every waiter that did not ask to go first (here; in the parent too).
    /// - Throws: `CancellationError` when the task is cancelled while waiting, or what `operation` throws.
    public func withSlot<T: Sendable>(first: Bool = false, _ operation: () async throws -> T) async throws -> T {
        try await acquire(first: first)
        defer { release() }
        if let parent { return try await parent.withSlot(first: first, operation) }
        return try await operation()
    }

    private enum Admission {
        case granted, cancelled, queued
    }

    private func acquire(first: Bool) async throws {
        let id = state.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                // Checking availability and queueing under one lock, so a release between the two cannot be lost.
                let admission = state.withLock { state -> Admission in
                    if state.available > 0 {
                        state.available -= 1
                        return .granted
                    }
                    if Task.isCancelled { return .cancelled }
                    if first {
                        state.first.append((id, continuation))
                    } else {
                        state.waiters.append((id, continuation))
                    }
                    return .queued
                }
                switch admission {
                case .granted: continuation.resume()
                case .cancelled: continuation.resume(throwing: CancellationError())
                case .queued: break
                }
            }
        } onCancel: {
            let waiter = state.withLock { state in state.first.remove(id: id) ?? state.waiters.remove(id: id) }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    private func release() {
        let next = state.withLock { state -> Waiter? in
            if let waiter = state.first.popFirst() ?? state.waiters.popFirst() { return waiter }
            state.available += 1
            return nil
        }
        next?.continuation.resume()
    }
}
