import Synchronization

/// Work that several callers share: the first caller for a key starts it, later ones join it, and each caller leaves
/// at its own deadline or when its task is cancelled, while the work goes on for the others until it ends or
/// reaches its bound.
///
/// This is the one way the exporter waits for work it may share: a credential refresh, an account id lookup, a
/// collection several `/metrics` requests joined, a tag refresh. Awaiting a shared `Task`'s `value` would ignore the
/// waiter's cancellation and deadline, so one slow dependency would hold every waiter; here nobody waits past its
/// own deadline.
///
/// The work is bounded: it runs with the deadline of the caller that started it, extended by `overrun` (time to
/// finish for later callers and caches), and at that bound it ends for everyone with ``DeadlinePassed`` whether or
/// not the operation noticed its cancellation. Work started without a deadline has no bound.
public final class SharedWork<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    /// The shared operation. `deadline` is its bound: every call it makes should carry it.
    public typealias Operation = @Sendable (_ deadline: ContinuousClock.Instant?) async throws -> Value

    private struct State {
        var runs: [Key: Run] = [:]
        var closed = false
    }

    private let state = Mutex(State())
    private let overrun: Duration
    private let sleep: DeadlineSleep

    /// Creates an empty set of shared work.
    /// - Parameters:
    ///   - overrun: How long work may run past the deadline of the caller that started it.
    ///   - sleep: Waits for deadlines; tests pass one they control.
    public init(overrun: Duration = .zero, sleep: @escaping DeadlineSleep = DeadlineClock.continuous) {
        self.overrun = overrun
        self.sleep = sleep
    }

    /// Joins the work running for `key`, or starts `operation` for it, and returns its value.
    /// - Throws: ``DeadlinePassed`` when `deadline` comes first (the work goes on), `CancellationError` when the
    ///   calling task is cancelled first or ``cancelAll()`` was called, or what the work threw.
    public func value(
        for key: Key,
        until deadline: ContinuousClock.Instant?,
        startingWith operation: @escaping Operation
    ) async throws -> Value {
        let run = try begin(key, deadline: deadline, operation: operation)
        return try await wait(for: run, until: deadline)
    }

    /// Starts `operation` for `key` with the bound `bound` unless work for `key` is running; does not wait for it.
    /// - Returns: Whether this call started it.
    @discardableResult
    public func start(
        _ key: Key,
        bound: ContinuousClock.Instant?,
        startingWith operation: @escaping Operation
    ) -> Bool {
        startOrJoin(key, bound: bound, operation: operation)?.started ?? false
    }

    /// Joins the work running for `key` and returns its value, or `nil` at once when none is running.
    /// - Throws: As ``value(for:until:startingWith:)``.
    public func join(_ key: Key, until deadline: ContinuousClock.Instant?) async throws -> Value? {
        guard let run = state.withLock({ $0.runs[key] }) else { return nil }
        return try await wait(for: run, until: deadline)
    }

    /// Whether work is running for `key`.
    public func isRunning(_ key: Key) -> Bool {
        state.withLock { $0.runs[key] != nil }
    }

    /// Ends every run with `CancellationError` and cancels its operation; later calls throw `CancellationError`
    /// (at shutdown: nothing new starts, nobody waits).
    public func cancelAll() {
        let runs = state.withLock { state in
            state.closed = true
            defer { state.runs = [:] }
            return Array(state.runs.values)
        }
        for run in runs { run.end(with: .failure(CancellationError())) }
    }

    private func begin(
        _ key: Key,
        deadline: ContinuousClock.Instant?,
        operation: @escaping Operation
    ) throws -> Run {
        guard let (run, _) = startOrJoin(key, bound: deadline.map { $0.advanced(by: overrun) }, operation: operation)
        else { throw CancellationError() }
        return run
    }

    /// The run for `key`, started with `operation` when none was running; `nil` after ``cancelAll()``.
    private func startOrJoin(
        _ key: Key,
        bound: ContinuousClock.Instant?,
        operation: @escaping Operation
    ) -> (run: Run, started: Bool)? {
        let (run, started) = state.withLock { state -> (Run?, Bool) in
            guard !state.closed else { return (nil, false) }
            if let running = state.runs[key] { return (running, false) }
            let run = Run()
            state.runs[key] = run
            return (run, true)
        }
        guard let run else { return nil }
        if started { launch(run, key: key, bound: bound, operation: operation) }
        return (run, started)
    }

    private func launch(_ run: Run, key: Key, bound: ContinuousClock.Instant?, operation: @escaping Operation) {
        let work = Task {
            let result: Result<Value, any Error>
            do {
                result = .success(try await operation(bound))
            } catch {
                result = .failure(error)
            }
            self.finish(run, key: key, with: result)
        }
        var timer: Task<Void, Never>?
        if let bound {
            let sleep = self.sleep
            // At the bound the run ends for everyone, even if the operation has not noticed its cancellation.
            timer = Task {
                guard (try? await sleep(bound)) != nil else { return }
                self.finish(run, key: key, with: .failure(DeadlinePassed()))
            }
        }
        run.attach(work: work, timer: timer)
    }

    private func finish(_ run: Run, key: Key, with result: Result<Value, any Error>) {
        state.withLock { state in
            if state.runs[key] === run { state.runs[key] = nil }
        }
        run.end(with: result)
    }

    private func wait(for run: Run, until deadline: ContinuousClock.Instant?) async throws -> Value {
        if let result = run.result { return try result.get() }
        guard let deadline else { return try await run.wait() }
        let sleep = self.sleep
        return try await withThrowingTaskGroup(of: Value?.self) { group in
            group.addTask { try await run.wait() }
            group.addTask {
                try await sleep(deadline)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else { throw DeadlinePassed() }
            return value
        }
    }

    /// One run of the work: its result once known, the callers waiting for it, and the tasks to cancel when it ends.
    private final class Run: Sendable {
        private struct State {
            var result: Result<Value, any Error>?
            var waiters: [UInt64: CheckedContinuation<Value, any Error>] = [:]
            var nextWaiter: UInt64 = 0
            var work: Task<Void, Never>?
            var timer: Task<Void, Never>?
        }

        private let state = Mutex(State())

        var result: Result<Value, any Error>? { state.withLock { $0.result } }

        /// Keeps the run's tasks, or cancels them at once when the run already ended (cancelled before they were
        /// attached).
        func attach(work: Task<Void, Never>, timer: Task<Void, Never>?) {
            let ended = state.withLock { state in
                state.work = work
                state.timer = timer
                return state.result != nil
            }
            if ended {
                work.cancel()
                timer?.cancel()
            }
        }

        /// Sets the result (the first one wins), hands it to every waiter and cancels the run's tasks: the work
        /// when it ended by its bound or a cancellation, the bound's timer when the work ended.
        func end(with result: Result<Value, any Error>) {
            let (waiters, tasks) = state.withLock {
                state -> ([CheckedContinuation<Value, any Error>], [Task<Void, Never>]) in
                guard state.result == nil else { return ([], []) }
                state.result = result
                defer { state.waiters = [:] }
                return (Array(state.waiters.values), [state.work, state.timer].compactMap { $0 })
            }
            for task in tasks { task.cancel() }
            for waiter in waiters { waiter.resume(with: result) }
        }

        /// The result, once the run ends; leaves with `CancellationError` when the waiting task is cancelled.
        func wait() async throws -> Value {
            let id = state.withLock { state in
                state.nextWaiter += 1
                return state.nextWaiter
            }
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    let ready = state.withLock { state -> Result<Value, any Error>? in
                        if let result = state.result { return result }
                        if Task.isCancelled { return .failure(CancellationError()) }
                        state.waiters[id] = continuation
                        return nil
                    }
                    if let ready { continuation.resume(with: ready) }
                }
            } onCancel: {
                let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
                waiter?.resume(throwing: CancellationError())
            }
        }
    }
}

/// Thrown to a caller of ``SharedWork`` whose deadline came before the work ended, and to every caller when the work
/// reached its bound.
public struct DeadlinePassed: Error, Sendable, Equatable, CustomStringConvertible {
    /// Creates the error.
    public init() {}

    public var description: String { "the deadline passed before the shared work ended" }
}

/// The key of a ``SharedWork`` that only ever runs one piece of work at a time.
public struct SingleWork: Hashable, Sendable {
    /// The key.
    public static let key = SingleWork()
}
