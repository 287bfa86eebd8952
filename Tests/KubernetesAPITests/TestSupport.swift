import Foundation
import Logging
import Synchronization
import Testing

@testable import KubernetesAPI

/// A logger that drops everything (tests assert on state, not on log lines).
let quietLogger = Logger(label: "kubernetes-api-tests") { _ in SwiftLogNoOpLogHandler() }

/// Timing for tests: a clock the test moves, sleeps that are recorded and last a few milliseconds whatever they
/// ask for (so a failing server is retried quickly without a busy loop), and sleeps at least `holdAtLeast` long
/// that wait until the test releases them (or the task is cancelled).
final class TestTiming: Sendable {
    private struct State {
        var now = Date(timeIntervalSince1970: 1_768_478_400)
        var sleeps: [Duration] = []
        var held: [UUID: CheckedContinuation<Void, any Error>] = [:]
        var heldWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())
    let holdAtLeast: Duration?
    let randomValue: Double

    /// - Parameters:
    ///   - holdAtLeast: Sleeps this long or longer wait for ``releaseHeldSleeps()``; nil holds none.
    ///   - randomValue: What every random draw returns, as a fraction of the range (0 = lower bound).
    init(holdAtLeast: Duration? = nil, randomValue: Double = 0.5) {
        self.holdAtLeast = holdAtLeast
        self.randomValue = randomValue
    }

    var now: Date { state.withLock { $0.now } }
    var sleeps: [Duration] { state.withLock { $0.sleeps } }
    var heldCount: Int { state.withLock { $0.held.count } }

    func advance(_ seconds: TimeInterval) { state.withLock { $0.now = $0.now.addingTimeInterval(seconds) } }

    /// Returns once a sleep is held (at once if one is).
    func waitUntilASleepIsHeld() async {
        await withCheckedContinuation { continuation in
            let now = state.withLock { state -> Bool in
                if !state.held.isEmpty { return true }
                state.heldWaiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    func releaseHeldSleeps() {
        let held = state.withLock { state in
            defer { state.held = [:] }
            return Array(state.held.values)
        }
        for continuation in held { continuation.resume() }
    }

    var timing: KubernetesWatchTiming {
        KubernetesWatchTiming(
            now: { [self] in now },
            sleep: { [self] duration in try await sleep(duration) },
            random: { [self] range in range.lowerBound + (range.upperBound - range.lowerBound) * randomValue }
        )
    }

    private func sleep(_ duration: Duration) async throws {
        state.withLock { $0.sleeps.append(duration) }
        if let holdAtLeast, duration >= holdAtLeast {
            let id = UUID()
            try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                    let (cancelled, waiters) = state.withLock { state -> (Bool, [CheckedContinuation<Void, Never>]) in
                        if Task.isCancelled { return (true, []) }
                        state.held[id] = continuation
                        defer { state.heldWaiters = [] }
                        return (false, state.heldWaiters)
                    }
                    if cancelled { continuation.resume(throwing: CancellationError()) }
                    for waiter in waiters { waiter.resume() }
                }
            } onCancel: {
                state.withLock { $0.held.removeValue(forKey: id) }?.resume(throwing: CancellationError())
            }
            return
        }
        // A short real pause instead of the asked-for one: retries stay quick, and nothing spins.
        try await Task.sleep(for: .milliseconds(5))
    }
}

/// A directory under the system's temporary directory, removed when the value goes away.
final class TemporaryDirectory: Sendable {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "k8s-api-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `contents` to `name` (directories created) and returns the file's path.
    @discardableResult
    func write(_ name: String, _ contents: String) throws -> String {
        try write(name, Data(contents.utf8))
    }

    @discardableResult
    func write(_ name: String, _ contents: Data) throws -> String {
        let file = path + "/" + name
        try FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true
        )
        // Write beside and rename, as the kubelet swaps token files, so a reader never sees half a file.
        let temporary = file + ".tmp-" + UUID().uuidString
        try contents.write(to: URL(fileURLWithPath: temporary))
        _ = try? FileManager.default.removeItem(atPath: file)
        try FileManager.default.moveItem(atPath: temporary, toPath: file)
        return file
    }
}

/// Fails the test when `operation` has not finished after `limit` (a generous bound that only catches hangs; no
/// test asserts how long anything took).
func withSafetyTimeout<Value: Sendable>(
    _ what: String,
    limit: Duration = .seconds(20),
    sourceLocation: SourceLocation = #_sourceLocation,
    _ operation: @escaping @Sendable () async -> Value
) async throws -> Value {
    try await withThrowingTaskGroup(of: Value?.self) { group in
        group.addTask { await operation() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else {
            Issue.record("timed out waiting for \(what)", sourceLocation: sourceLocation)
            throw CancellationError()
        }
        return value
    }
}

extension KubernetesServiceDirectory {
    /// Waits (with a safety timeout) until the snapshot satisfies `predicate`.
    @discardableResult
    func waitUntil(
        _ what: String,
        sourceLocation: SourceLocation = #_sourceLocation,
        _ predicate: @escaping @Sendable (KubernetesDirectorySnapshot) -> Bool
    ) async throws -> KubernetesDirectorySnapshot {
        let snapshot = try await withSafetyTimeout(what, sourceLocation: sourceLocation) {
            await self.waitForSnapshot(where: predicate)
        }
        #expect(predicate(snapshot), "\(what)", sourceLocation: sourceLocation)
        return snapshot
    }
}

extension FakeKubernetesAPIServer {
    /// Waits (with a safety timeout) until the recorded requests satisfy `predicate`.
    @discardableResult
    func waitUntil(
        _ what: String,
        sourceLocation: SourceLocation = #_sourceLocation,
        _ predicate: @escaping @Sendable ([RecordedRequest]) -> Bool
    ) async throws -> [RecordedRequest] {
        let observation = try await withSafetyTimeout(what, sourceLocation: sourceLocation) {
            await self.waitForObservation { predicate($0.requests) }
        }
        #expect(predicate(observation.requests), "\(what)", sourceLocation: sourceLocation)
        return observation.requests
    }

    /// Waits until `count` watches of `path` are open (so that events sent now reach them).
    func waitForOpenWatches(_ path: String, count: Int = 1, sourceLocation: SourceLocation = #_sourceLocation)
        async throws
    {
        let observation = try await withSafetyTimeout("open watches of \(path)", sourceLocation: sourceLocation) {
            await self.waitForObservation { ($0.openWatches[path] ?? 0) >= count }
        }
        #expect((observation.openWatches[path] ?? 0) >= count, sourceLocation: sourceLocation)
    }
}

/// A running directory against a fake server, stopped (and checked to stop) at the end.
struct RunningDirectory {
    let directory: KubernetesServiceDirectory
    let task: Task<Void, Never>

    static func start(
        server: FakeKubernetesAPIServer,
        token: KubernetesCredentials.BearerToken? = .value("test-token"),
        timing: TestTiming = TestTiming(),
        configure: (inout KubernetesDirectoryConfiguration) -> Void = { _ in }
    ) throws -> RunningDirectory {
        let access = try KubernetesAccess(
            serverURL: server.baseURL,
            credentials: KubernetesCredentials(bearerToken: token)
        )
        var configuration = KubernetesDirectoryConfiguration(access: access)
        configure(&configuration)
        let directory = try KubernetesServiceDirectory(
            configuration: configuration,
            logger: quietLogger,
            timing: timing.timing
        )
        return RunningDirectory(directory: directory, task: Task { await directory.run() })
    }

    /// Cancels `run()` and waits for it to return (failing the test if it hangs).
    func stop(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        task.cancel()
        let task = self.task
        try await withSafetyTimeout("run() to return after cancellation", sourceLocation: sourceLocation) {
            await task.value
        }
    }
}
