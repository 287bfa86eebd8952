import AWSServices
import Synchronization
import Testing

/// The account id behind the `account_id` label: from a role ARN without a call, or one GetCallerIdentity per
/// credential source, however many regions ask at once.
@Suite struct AccountLookupTests {
    @Test func aRolesAccountNeedsNoCall() async throws {
        let lookup = AccountLookup(known: AccountLookup.account(ofRoleARN: "arn:aws:iam::210987654321:role/x")) {
            Issue.record("no call expected")
            return ""
        }
        #expect(try await lookup.accountID() == "210987654321")
        #expect(AccountLookup.account(ofRoleARN: "arn:aws:iam::12:role/x") == nil)
        #expect(AccountLookup.account(ofRoleARN: "arn:aws:iam::12345678901a:role/x") == nil)
    }

    @Test func concurrentAsksMakeOneCallAndAFailureIsRetriedNextTime() async throws {
        let calls = Mutex(0)
        let lookup = AccountLookup(known: nil) {
            let call = calls.withLock { count in
                count += 1
                return count
            }
            // Let the other askers arrive while this call is out.
            for _ in 0..<50 { await Task.yield() }
            if call == 1 { throw AccountLookup.AccountUnknown() }
            return "123456789012"
        }
        await #expect(throws: AccountLookup.AccountUnknown.self) { try await lookup.accountID() }
        let answers = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 { group.addTask { try await lookup.accountID() } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers == Array(repeating: "123456789012", count: 8))
        #expect(calls.withLock { $0 } == 2)
        #expect(try await lookup.accountID() == "123456789012")
        #expect(calls.withLock { $0 } == 2)
    }
}
