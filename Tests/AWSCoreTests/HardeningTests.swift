import AWSCore
import AWSSigV4
import AWSTestSupport
import Foundation
import Logging
import Synchronization
import Testing

/// Pagination, the retry budget and deadline waits: the mechanisms that keep hostile or failing AWS answers from
/// looping, multiplying calls or holding a scrape past its deadline. No test here depends on the machine's speed.
@Suite struct HardeningTests {
    // MARK: Paginator

    @Test func followsTokensToTheEnd() async throws {
        var pages: [Int] = []
        let ending = try await Paginator().forEachPage { token in
            let index = Int(token ?? "0") ?? 0
            return (index, index < 3 ? String(index + 1) : nil)
        } consume: {
            pages.append($0)
        }
        #expect(pages == [0, 1, 2, 3])
        #expect(ending == .complete)
    }

    @Test func anEmptyTokenEndsTheWalk() async throws {
        var count = 0
        let ending = try await Paginator().forEachPage { _ in
            ((), "")
        } consume: {
            count += 1
        }
        #expect(count == 1)
        #expect(ending == .complete)
    }

    @Test func aRepeatedTokenStopsInsteadOfLoopingForever() async throws {
        var tokens: [String?] = []
        // A service (or proxy) that alternates between two tokens forever.
        let ending = try await Paginator().forEachPage { token in
            tokens.append(token)
            return ((), token == "a" ? "b" : "a")
        } consume: { _ in
        }
        #expect(tokens == [nil, "a", "b"])
        #expect(ending == .repeatedToken)
    }

    @Test func pagesAreCapped() async throws {
        var count = 0
        let ending = try await Paginator(maximumPages: 5).forEachPage { _ in
            count += 1
            return ((), UUID().uuidString)
        } consume: { _ in
        }
        #expect(count == 5)
        #expect(ending == .pageLimit)
    }

    // MARK: Retry budget

    @Test func retriesDrawOnTheBudgetAndSuccessesRefillIt() {
        let budget = RetryBudget(capacity: 12)
        #expect(budget.takeRetry(reason: "throttling") == 5)
        #expect(budget.takeRetry(reason: "throttling") == 5)
        #expect(budget.takeRetry(reason: "throttling") == nil)  // 2 left, a retry costs 5
        budget.recordSuccess(retryCost: 5)  // a retried call that succeeded gives its retry back
        #expect(budget.available == 7)
        #expect(budget.takeRetry(reason: "timeout") == nil)  // a timeout retry costs 10
        budget.recordSuccess(retryCost: nil)  // a first-attempt success adds one
        #expect(budget.available == 8)
        for _ in 0..<100 { budget.recordSuccess(retryCost: 5) }
        #expect(budget.available == 12)  // never above its capacity
    }

    @Test func anExhaustedBudgetStopsRetriesAcrossCalls() async throws {
        let budget = RetryBudget(capacity: 10)
        let transport = ScriptedTransport(Array(repeating: .respond(HTTPResponse(status: 503)), count: 20))
        let caller = AWSServiceCaller(
            service: .cloudWatch,
            region: "us-east-1",
            endpoint: AWSEndpoint(scheme: "https", host: "h", signingRegion: "us-east-1", signingName: "monitoring"),
            credentials: StaticCredentialProvider(testCredentials),
            transport: transport,
            retry: RetryPolicy(maxAttempts: 5, random: { 0 }, sleep: { _ in }),
            retryBudget: budget,
            logger: Logger(label: "test")
        )
        for _ in 0..<3 {
            await #expect(throws: AWSError.self) {
                try await caller.query(action: "ListMetrics", parameters: QueryParameters(), deadline: nil)
            }
        }
        // Without a budget: 3 calls × 5 attempts = 15 requests. The budget pays for two retries in all.
        #expect(transport.requests.count == 3 + 2)
        #expect(budget.available == 0)
    }

    // MARK: Hostile numbers

    @Test func hugeDurationsSaturateInsteadOfTrapping() {
        #expect(CheckedTime.duration(seconds: .infinity) == CheckedTime.maximumDuration)
        #expect(CheckedTime.duration(seconds: 1e300) == CheckedTime.maximumDuration)
        #expect(CheckedTime.date(epochSeconds: .nan) == nil)
        #expect(CheckedTime.date(epochSeconds: 1e20) == nil)
        #expect(CheckedTime.date(epochSeconds: 1_700_000_000) == Date(timeIntervalSince1970: 1_700_000_000))
    }
}
