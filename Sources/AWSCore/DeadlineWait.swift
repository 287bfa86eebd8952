import Synchronization

/// Waits for a task's result until a deadline, without cancelling the task.
///
/// Awaiting `Task.value` ignores the waiter's cancellation, so a slow shared job (a credential refresh, a collection
/// that several scrapes joined) would hold every waiter past its own deadline. Here each waiter leaves at its own
/// deadline or cancellation, and the job goes on for whoever needs its result next.
public enum DeadlineWait {
    /// The result of `task`, or `timeout()` thrown once `deadline` passes, or `CancellationError` when the waiting
    /// task is cancelled. `task` is never cancelled here.
    public static func value<T: Sendable>(
        of task: Task<T, any Error>,
        until deadline: ContinuousClock.Instant?,
        timeout: @escaping @Sendable () -> any Error
    ) async throws -> T {
        let box = OnceContinuation<T>()
        let waiter = Task { box.resume(with: await task.result) }
        let timer = deadline.map { deadline in
            Task {
                guard (try? await Task.sleep(until: deadline, clock: .continuous)) != nil else { return }
                box.resume(with: .failure(timeout()))
            }
        }
        defer {
            waiter.cancel()
            timer?.cancel()
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { box.install($0) }
        } onCancel: {
            box.resume(with: .failure(CancellationError()))
        }
    }
}

/// A continuation resumed exactly once, by whichever result comes first, even before it is installed.
private final class OnceContinuation<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var early: Result<T, any Error>?
        var finished = false
    }

    private let state = Mutex(State())

    func install(_ continuation: CheckedContinuation<T, any Error>) {
        let early: Result<T, any Error>? = state.withLock { state in
            if let early = state.early {
                state.finished = true
                return early
            }
            state.continuation = continuation
            return nil
        }
        if let early { continuation.resume(with: early) }
    }

    func resume(with result: Result<T, any Error>) {
        let continuation: CheckedContinuation<T, any Error>? = state.withLock { state in
            guard !state.finished else { return nil }
            guard let continuation = state.continuation else {
                if state.early == nil { state.early = result }
                return nil
            }
            state.finished = true
            state.continuation = nil
            return continuation
        }
        continuation?.resume(with: result)
    }
}
