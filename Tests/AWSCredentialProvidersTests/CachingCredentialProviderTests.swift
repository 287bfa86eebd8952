import AWSCore
import AWSSigV4
import Foundation
import Synchronization
import Testing

@testable import AWSCredentialProviders

/// Refresh timing of ``CachingCredentialProvider`` with an injected clock.
@Suite struct CachingCredentialProviderTests {
    /// A source that hands out numbered one-hour credentials, can be made to fail, and can be held until released.
    final class CountingSource: CredentialProvider {
        private let state = Mutex<(calls: Int, failing: Bool)>((0, false))
        let clock: TestClock
        let lifetime: TimeInterval
        let delay: Duration

        init(clock: TestClock, lifetime: TimeInterval = 3600, delay: Duration = .zero) {
            self.clock = clock
            self.lifetime = lifetime
            self.delay = delay
        }

        var calls: Int { state.withLock { $0.calls } }
        func setFailing(_ failing: Bool) { state.withLock { $0.failing = failing } }

        func credentials(deadline: ContinuousClock.Instant?) async throws -> AWSCredentials {
            let (call, failing) = state.withLock { state -> (Int, Bool) in
                state.calls += 1
                return (state.calls, state.failing)
            }
            if delay > .zero { try await Task.sleep(for: delay) }
            if failing {
                throw AWSError(
                    kind: .credentials,
                    service: "sts",
                    operation: "AssumeRole",
                    code: "AccessDenied",
                    message: "not allowed"
                )
            }
            return AWSCredentials(
                accessKeyId: "ASIA\(call)",
                secretAccessKey: "secret-\(call)",
                sessionToken: "token-\(call)",
                expiration: clock.now.addingTimeInterval(lifetime)
            )
        }
    }

    @Test func cachesUntilTheAdvisoryWindowThenRefreshes() async throws {
        let clock = TestClock()
        let source = CountingSource(clock: clock)
        let cache = CachingCredentialProvider(source, name: "test", clock: clock.function, logger: testLogger)

        #expect(try await cache.credentials().accessKeyId == "ASIA1")
        clock.advance(44 * 60)  // 16 minutes before expiry
        #expect(try await cache.credentials().accessKeyId == "ASIA1")
        #expect(source.calls == 1)
        clock.advance(2 * 60)  // 14 minutes before expiry: advisory refresh
        #expect(try await cache.credentials().accessKeyId == "ASIA2")
        #expect(source.calls == 2)
    }

    @Test func shortSessionsAreNotRefreshedOnEveryCall() async throws {
        let clock = TestClock()
        let source = CountingSource(clock: clock, lifetime: 15 * 60)
        let cache = CachingCredentialProvider(source, name: "test", clock: clock.function, logger: testLogger)

        _ = try await cache.credentials()
        clock.advance(7 * 60)
        _ = try await cache.credentials()
        #expect(source.calls == 1)
        clock.advance(60)  // past half the lifetime
        #expect(try await cache.credentials().accessKeyId == "ASIA2")
    }

    @Test func fiftyConcurrentCallersShareOneFetch() async throws {
        let clock = TestClock()
        let source = CountingSource(clock: clock, delay: .milliseconds(50))
        let cache = CachingCredentialProvider(source, name: "test", clock: clock.function, logger: testLogger)

        let keys = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<50 { group.addTask { try await cache.credentials().accessKeyId } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(keys.count == 50)
        #expect(Set(keys) == ["ASIA1"])
        #expect(source.calls == 1)

        clock.advance(55 * 60)  // mandatory window: everyone waits for the same refresh
        let refreshed = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<50 { group.addTask { try await cache.credentials().accessKeyId } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(Set(refreshed) == ["ASIA2"])
        #expect(source.calls == 2)
    }

    @Test func failedRefreshKeepsValidCredentialsAndWarnsWithoutSecrets() async throws {
        let clock = TestClock()
        let source = CountingSource(clock: clock)
        let capture = LogCapture()
        let cache = CachingCredentialProvider(
            source,
            name: "assume-role",
            clock: clock.function,
            logger: capture.logger
        )

        _ = try await cache.credentials()
        source.setFailing(true)
        clock.advance(52 * 60)  // 8 minutes left: mandatory refresh, which fails
        let kept = try await cache.credentials()
        #expect(kept.accessKeyId == "ASIA1")
        #expect(source.calls == 2)
        let warnings = capture.messages.filter { $0.hasPrefix("warning") }
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("AccessDenied") == true)
        #expect(warnings.first?.contains("secret-1") == false)
        #expect(warnings.first?.contains("token-1") == false)

        clock.advance(10)  // within the retry interval: no new attempt
        _ = try await cache.credentials()
        #expect(source.calls == 2)

        source.setFailing(false)
        clock.advance(60)
        #expect(try await cache.credentials().accessKeyId == "ASIA3")
    }

    @Test func expiredCredentialsAndAFailedRefreshThrow() async throws {
        let clock = TestClock()
        let source = CountingSource(clock: clock)
        let cache = CachingCredentialProvider(source, name: "test", clock: clock.function, logger: testLogger)

        _ = try await cache.credentials()
        source.setFailing(true)
        clock.advance(3601)
        let error = await #expect(throws: AWSError.self) { try await cache.credentials() }
        #expect(error?.code == "AccessDenied")
    }

    @Test func firstFetchFailureIsThrown() async throws {
        let clock = TestClock()
        let source = CountingSource(clock: clock)
        source.setFailing(true)
        let cache = CachingCredentialProvider(source, name: "test", clock: clock.function, logger: testLogger)
        await #expect(throws: AWSError.self) { try await cache.credentials() }
        source.setFailing(false)
        #expect(try await cache.credentials().accessKeyId == "ASIA2")
    }

    @Test func nearlyExpiredCredentialsAreUsedForFiveMinutesInsteadOfRefetchedOnEveryCall() async throws {
        let clock = TestClock()
        let source = CountingSource(clock: clock, lifetime: 20)
        let capture = LogCapture()
        let cache = CachingCredentialProvider(source, name: "iam-role", clock: clock.function, logger: capture.logger)
        _ = try await cache.credentials()
        clock.advance(4 * 60)
        #expect(try await cache.credentials().accessKeyId == "ASIA1")
        #expect(source.calls == 1)
        #expect(capture.messages.contains { $0.hasPrefix("warning") && $0.contains("under a minute") })
        clock.advance(61)
        #expect(try await cache.credentials().accessKeyId == "ASIA2")
    }

    @Test func credentialsWithoutExpirationAreKeptForever() async throws {
        let clock = TestClock()
        let source = StaticCredentialProvider(AWSCredentials(accessKeyId: "AKID", secretAccessKey: "s"))
        let cache = CachingCredentialProvider(source, name: "test", clock: clock.function, logger: testLogger)
        _ = try await cache.credentials()
        clock.advance(365 * 86_400)
        #expect(try await cache.credentials().accessKeyId == "AKID")
    }
}
