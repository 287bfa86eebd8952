import AWSCore
import AWSSigV4
import AWSTestSupport
import Foundation
import Synchronization
import Testing

@testable import AWSCredentialProviders

/// A slow STS or IMDS must not make a scrape miss its deadline: callers wait for a refresh only until their own
/// deadline, valid credentials answer meanwhile, and the refresh goes on for the next caller. Deadlines here are
/// already past when given, and the source finishes when the test opens its gate: nothing races the clock.
@Suite struct CredentialDeadlineTests {
    /// Hands out numbered one-hour credentials; from the second call on, each call waits for `gate`.
    final class GatedSource: CredentialProvider {
        let clock: TestClock
        let gate = Gate()
        let gateFirstCall: Bool
        private let calls = Mutex(0)

        init(clock: TestClock, gateFirstCall: Bool) {
            self.clock = clock
            self.gateFirstCall = gateFirstCall
        }

        var callCount: Int { calls.withLock { $0 } }

        func credentials(deadline: ContinuousClock.Instant?) async throws -> AWSCredentials {
            let call = calls.withLock { calls in
                calls += 1
                return calls
            }
            if call > 1 || gateFirstCall { await gate.wait() }
            return AWSCredentials(
                accessKeyId: "ASIA\(call)",
                secretAccessKey: "secret-\(call)",
                sessionToken: "token-\(call)",
                expiration: clock.now.addingTimeInterval(3600)
            )
        }
    }

    @Test func validCredentialsAnswerWhileASlowRefreshGoesOn() async throws {
        let clock = TestClock()
        let source = GatedSource(clock: clock, gateFirstCall: false)
        let cache = CachingCredentialProvider(source, name: "test", clock: clock.function, logger: testLogger)
        #expect(try await cache.credentials().accessKeyId == "ASIA1")
        clock.advance(55 * 60)  // 5 minutes before expiry: a mandatory refresh, and STS hangs
        #expect(try await cache.credentials(deadline: .now).accessKeyId == "ASIA1")
        #expect(source.callCount == 2)
        source.gate.open()
        // The refresh went on after its first caller left, and serves the next one.
        #expect(try await cache.credentials(deadline: nil).accessKeyId == "ASIA2")
        #expect(source.callCount == 2)
    }

    @Test func withoutCredentialsTheDeadlineIsExceededAndTheFetchGoesOn() async throws {
        let clock = TestClock()
        let source = GatedSource(clock: clock, gateFirstCall: true)
        let cache = CachingCredentialProvider(source, name: "test", clock: clock.function, logger: testLogger)
        let error = await #expect(throws: AWSError.self) { try await cache.credentials(deadline: .now) }
        #expect(error?.kind == .deadlineExceeded)
        source.gate.open()
        #expect(try await cache.credentials(deadline: nil).accessKeyId == "ASIA1")
        #expect(source.callCount == 1)
    }

    @Test func aCancelledCallerLeavesAndOthersStillGetTheRefresh() async throws {
        let clock = TestClock()
        let source = GatedSource(clock: clock, gateFirstCall: true)
        let cache = CachingCredentialProvider(source, name: "test", clock: clock.function, logger: testLogger)
        let leaving = Task { try await cache.credentials(deadline: nil) }
        while source.callCount == 0 { await Task.yield() }
        leaving.cancel()
        await #expect(throws: (any Error).self) { try await leaving.value }
        source.gate.open()
        #expect(try await cache.credentials().accessKeyId == "ASIA1")
    }
}
