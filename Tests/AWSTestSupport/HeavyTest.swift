public import Testing

/// `.heavy`: the test (or every test of the suite) runs only while no other heavy or timing-sensitive test runs,
/// anywhere in the test process. `.timingSensitive`: runs beside other timing-sensitive and light tests, never
/// beside a heavy one.
///
/// `swift test --parallel --num-workers 2` limits XCTest only; Swift Testing runs every suite of every test target
/// at once, in one process. Tests that start moto_server (a Python process that needs a core for seconds to start)
/// or burn CPU for a while would otherwise pile up beside each other and starve the tests with real timeouts on a
/// busy 2-core machine. `.serialized` orders the tests inside one suite only; this gate is shared by every suite
/// and target that links AWSTestSupport.
public struct HeavyTestTrait: TestTrait, SuiteTrait, TestScoping {
    let kind: HeavyTestGate.Kind

    public var isRecursive: Bool { true }

    public func provideScope(
        for test: Test,
        testCase: Test.Case?,
        performing function: @Sendable () async throws -> Void
    ) async throws {
        try await HeavyTestGate.shared.run(kind, function)
    }
}

extension Trait where Self == HeavyTestTrait {
    /// Runs the test, or each test of the suite, with no other heavy or timing-sensitive test beside it.
    public static var heavy: Self { HeavyTestTrait(kind: .heavy) }

    /// Runs the test, or each test of the suite, with no heavy test beside it.
    public static var timingSensitive: Self { HeavyTestTrait(kind: .timingSensitive) }
}

/// A first-come, first-served readers–writer gate: one heavy body alone, or any number of timing-sensitive ones.
public actor HeavyTestGate {
    public enum Kind: Sendable {
        case heavy, timingSensitive
    }

    public static let shared = HeavyTestGate()

    private var heavyRunning = false
    private var sensitiveRunning = 0
    private var waiting: [(kind: Kind, continuation: CheckedContinuation<Void, Never>)] = []

    /// A gate of its own (tests use `shared`, through the traits).
    public init() {}

    /// How many bodies wait for the gate now (for the gate's own test).
    public var queued: Int { waiting.count }

    /// Runs `body` once the gate admits a body of this kind.
    public func run(_ kind: Kind, _ body: @Sendable () async throws -> Void) async throws {
        await enter(kind)
        do {
            try await body()
        } catch {
            leave(kind)
            throw error
        }
        leave(kind)
    }

    private func admits(_ kind: Kind) -> Bool {
        switch kind {
        case .heavy: !heavyRunning && sensitiveRunning == 0
        case .timingSensitive: !heavyRunning
        }
    }

    private func admit(_ kind: Kind) {
        switch kind {
        case .heavy: heavyRunning = true
        case .timingSensitive: sensitiveRunning += 1
        }
    }

    private func enter(_ kind: Kind) async {
        // Nobody overtakes a waiter: a newcomer queues behind any waiting body.
        if waiting.isEmpty, admits(kind) {
            admit(kind)
            return
        }
        await withCheckedContinuation { waiting.append((kind, $0)) }
    }

    private func leave(_ kind: Kind) {
        switch kind {
        case .heavy: heavyRunning = false
        case .timingSensitive: sensitiveRunning -= 1
        }
        // Admit waiters in order while the first one fits; the gate is taken for them before they resume.
        while let first = waiting.first, admits(first.kind) {
            waiting.removeFirst()
            admit(first.kind)
            first.continuation.resume()
        }
    }
}
