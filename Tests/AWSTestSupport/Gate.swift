import Synchronization

/// Opens once; every waiter, before or after, then goes on. Lets a test say "now" (a deadline has come, a slow call
/// may finish) instead of racing a clock on a busy machine.
public final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    /// Creates a closed gate.
    public init() {}

    /// Opens the gate and lets every waiter go on.
    public func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once the gate is open.
    public func wait() async {
        await withCheckedContinuation { continuation in
            let openAlready = state.withLock { state in
                if !state.open { state.waiters.append(continuation) }
                return state.open
            }
            if openAlready { continuation.resume() }
        }
    }
}
