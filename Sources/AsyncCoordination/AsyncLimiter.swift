import Synchronization

/// Bounds how many operations run at once: AWS calls across a whole scrape (`max_concurrent_requests`), DescribeTags
/// calls of a tag refresh, or reloads (a limit of 1).
///
/// Waiters are served first come, first served; a waiter whose task is cancelled (the scrape deadline passed) leaves
/// the queue at once with `CancellationError`.
public final class AsyncLimiter: Sendable {
    private struct State {
        var available: Int
        var nextID: UInt64 = 0
        var waiters: [(id: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
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
    public var waiting: Int { state.withLock { $0.waiters.count } }

    /// Runs `operation` once a slot is free (here and in the parent).
    /// - Throws: `CancellationError` when the task is cancelled while waiting, or what `operation` throws.
    public func withSlot<T: Sendable>(_ operation: () async throws -> T) async throws -> T {
        try await acquire()
        defer { release() }
        if let parent { return try await parent.withSlot(operation) }
        return try await operation()
    }

    private enum Admission {
        case granted, cancelled, queued
    }

    private func acquire() async throws {
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
                    state.waiters.append((id, continuation))
                    return .queued
                }
                switch admission {
                case .granted: continuation.resume()
                case .cancelled: continuation.resume(throwing: CancellationError())
                case .queued: break
                }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index).continuation
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    private func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, any Error>? in
            if state.waiters.isEmpty {
                state.available += 1
                return nil
            }
            return state.waiters.removeFirst().continuation
        }
        next?.resume()
    }
}
