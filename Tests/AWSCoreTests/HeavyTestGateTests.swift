import AWSTestSupport
import Synchronization
import Testing

/// The `.heavy` / `.timingSensitive` gate: one heavy body alone, timing-sensitive bodies together but never beside a
/// heavy one.
@Suite struct HeavyTestGateTests {
    struct Tally {
        var entered = 0
        var heavy = 0
        var sensitive = 0
        var violations: [String] = []
    }

    /// A lock-protected value the concurrent bodies share.
    final class Shared<Value: Sendable>: Sendable {
        private let value: Mutex<Value>
        init(_ value: Value) { self.value = Mutex(value) }
        func withLock<R: Sendable>(_ body: (inout sending Value) -> sending R) -> R { value.withLock(body) }
    }

    /// Runs `kinds` through a fresh gate at once. Each body stays inside until every body that has not got in yet is
    /// queued at the gate (so none can still get in) or until a body it must exclude got in beside it; the wait is
    /// bounded, so a broken gate fails the test instead of hanging it.
    static func run(_ kinds: [HeavyTestGate.Kind]) async throws -> Tally {
        let gate = HeavyTestGate()
        let tally = Shared(Tally())
        try await withThrowingTaskGroup(of: Void.self) { group in
            for kind in kinds {
                group.addTask {
                    try await gate.run(kind) {
                        tally.withLock { tally in
                            tally.entered += 1
                            if kind == .heavy { tally.heavy += 1 } else { tally.sensitive += 1 }
                        }
                        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
                        while ContinuousClock.now < deadline {
                            let clash = tally.withLock { tally -> String? in
                                if tally.heavy > 1 { return "two heavy bodies at once" }
                                if tally.heavy > 0 && tally.sensitive > 0 { return "heavy beside timing-sensitive" }
                                return nil
                            }
                            if let clash {
                                tally.withLock { $0.violations.append(clash) }
                                break
                            }
                            let notYetIn = kinds.count - tally.withLock { $0.entered }
                            if await gate.queued == notYetIn { break }
                            try await Task.sleep(for: .milliseconds(5))
                        }
                        tally.withLock { tally in
                            if kind == .heavy { tally.heavy -= 1 } else { tally.sensitive -= 1 }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(await gate.queued == 0)
        return tally.withLock { $0 }
    }

    @Test func oneHeavyBodyAtATime() async throws {
        let tally = try await Self.run([.heavy, .heavy, .heavy, .heavy])
        #expect(tally.entered == 4)
        #expect(tally.violations.isEmpty)
    }

    @Test func heavyNeverBesideTimingSensitive() async throws {
        let tally = try await Self.run([.timingSensitive, .heavy, .timingSensitive, .heavy, .timingSensitive])
        #expect(tally.entered == 5)
        #expect(tally.violations.isEmpty)
    }

    @Test func timingSensitiveBodiesRunTogether() async throws {
        let gate = HeavyTestGate()
        let inside = Shared(0)
        // The first body waits (bounded) for the second to be inside with it: the gate must admit both.
        let both = Shared(false)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<2 {
                group.addTask {
                    try await gate.run(.timingSensitive) {
                        inside.withLock { $0 += 1 }
                        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
                        while ContinuousClock.now < deadline, inside.withLock({ $0 }) < 2, !both.withLock({ $0 }) {
                            try await Task.sleep(for: .milliseconds(5))
                        }
                        if inside.withLock({ $0 }) == 2 { both.withLock { $0 = true } }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(both.withLock { $0 })
    }

    @Test func aThrowingBodyReleasesTheGate() async throws {
        struct Boom: Error {}
        let gate = HeavyTestGate()
        await #expect(throws: Boom.self) { try await gate.run(.heavy) { throw Boom() } }
        let ran = Shared(false)
        try await gate.run(.heavy) { ran.withLock { $0 = true } }
        #expect(ran.withLock { $0 })
    }
}
