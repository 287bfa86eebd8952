import Synchronization

/// Opens once; every waiter, before or after, then goes on. Lets a test say "now" (a deadline has come, a slow call
/// may finish) instead of racing a clock on a busy machine.
public final class Gate: Sendable {
    private struct State {
        var open = false
        var waiters: [CheckedContinuation<Void, Never>] = []
        var cancellable: [UInt64: CheckedContinuation<Void, any Error>] = [:]
        var nextWaiter: UInt64 = 0
    }

    private let state = Mutex(State())

    /// Creates a closed gate.
    public init() {}

    /// Whether the gate is open.
    public var isOpen: Bool { state.withLock { $0.open } }

    /// Opens the gate and lets every waiter go on.
    public func open() {
        let (waiters, cancellable) = state.withLock { state in
            state.open = true
            defer {
                state.waiters = []
                state.cancellable = [:]
            }
            return (state.waiters, Array(state.cancellable.values))
        }
        for waiter in waiters { waiter.resume() }
        for waiter in cancellable { waiter.resume() }
    }

    /// Returns once the gate is open, whatever happens to the waiting task.
    public func wait() async {
        await withCheckedContinuation { continuation in
            let openAlready = state.withLock { state in
                if !state.open { state.waiters.append(continuation) }
                return state.open
            }
            if openAlready { continuation.resume() }
        }
    }

    /// Returns once the gate is open, or throws `CancellationError` when the waiting task is cancelled first, as
    /// `Task.sleep` does (what a deadline sleep must do).
    public func waitOrCancel() async throws {
        let id = state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let ready = state.withLock { state -> Result<Void, any Error>? in
                    if state.open { return .success(()) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.cancellable[id] = continuation
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.cancellable.removeValue(forKey: id) }
            waiter?.resume(throwing: CancellationError())
        }
    }
}
