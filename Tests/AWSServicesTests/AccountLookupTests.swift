import AWSCore
import AWSServices
import AWSTestSupport
import Synchronization
import Testing

/// The account id behind the `account_id` label: from a role ARN without a call, or one GetCallerIdentity per
/// credential source, shared by its callers, each leaving at its own deadline. Deadlines pass when the test says so.
@Suite(.timeLimit(.minutes(1))) struct AccountLookupTests {
    @Test func aRolesAccountNeedsNoCall() async throws {
        let lookup = AccountLookup(
            known: AccountLookup.account(ofRoleARN: "arn:aws:iam::210987654321:role/x"),
            lookUp: { _ in
                Issue.record("no call expected")
                return ""
            }
        )
        #expect(try await lookup.accountID(deadline: nil) == "210987654321")
        #expect(AccountLookup.account(ofRoleARN: "arn:aws:iam::12:role/x") == nil)
        #expect(AccountLookup.account(ofRoleARN: "arn:aws:iam::12345678901a:role/x") == nil)
    }

    @Test func aFailureIsNotKeptAndAnAnswerIs() async throws {
        let calls = Mutex(0)
        let lookup = AccountLookup(
            known: nil,
            lookUp: { _ in
                let call = calls.withLock { count in
                    count += 1
                    return count
                }
                if call == 1 { throw AccountLookup.AccountUnknown() }
                return "123456789012"
            }
        )
        await #expect(throws: AccountLookup.AccountUnknown.self) { try await lookup.accountID(deadline: nil) }
        #expect(lookup.known == nil)
        #expect(try await lookup.accountID(deadline: nil) == "123456789012")
        #expect(try await lookup.accountID(deadline: nil) == "123456789012")
        #expect(calls.withLock { $0 } == 2)
        #expect(lookup.known == "123456789012")
    }

    /// STS does not answer by the scrape's deadline: the scrape leaves with a deadline error, the lookup goes on
    /// (bounded by the deadline plus the overrun, which its request carries) and the next scrape has the account.
    @Test func aSilentSTSCostsTheScrapeItsLabelNotItsDeadline() async throws {
        let deadlines = ManualDeadlines()
        let sts = Gate()
        let bounds = Mutex<[ContinuousClock.Instant?]>([])
        let lookup = AccountLookup(
            known: nil,
            overrun: .seconds(30),
            sleep: deadlines.sleep,
            lookUp: { bound in
                bounds.withLock { $0.append(bound) }
                try await sts.waitOrCancel()
                return "123456789012"
            }
        )
        let deadline = ContinuousClock.now.advanced(by: .seconds(1_000))
        let scrape = Task { try await lookup.accountID(deadline: deadline) }
        while bounds.withLock({ $0.isEmpty }) || deadlines.deadlinesSleptOn < 2 { await Task.yield() }
        deadlines.pass(deadline)
        let error = await #expect(throws: AWSError.self) { try await scrape.value }
        #expect(error?.kind == .deadlineExceeded)
        #expect(error?.service == "sts")
        #expect(bounds.withLock { $0 } == [deadline.advanced(by: .seconds(30))])
        sts.open()
        while lookup.known == nil { await Task.yield() }
        #expect(try await lookup.accountID(deadline: nil) == "123456789012")
        #expect(bounds.withLock { $0.count } == 1)
    }
}
