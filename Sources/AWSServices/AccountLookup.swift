import AWSCore
import AsyncCoordination
import Synchronization

/// The account id of a credential source, looked up at most once: known from a role ARN, or asked of STS
/// `GetCallerIdentity` on first use and cached (a failed lookup is not cached, so the next scrape tries again).
///
/// Callers that ask while a lookup is out join it (``SharedWork``), so the regions of one source make one call, and
/// each waits only until its own deadline: an STS that does not answer costs a scrape its `account_id` labels, never
/// its deadline. The lookup itself carries its starter's deadline plus `overrun`, so it can still finish for the
/// next scrape.
public final class AccountLookup: Sendable {
    /// Asks AWS for the account id; every request it makes carries `deadline`.
    public typealias LookUp = @Sendable (_ deadline: ContinuousClock.Instant?) async throws -> String

    private let cached: Mutex<String?>
    private let lookups: SharedWork<SingleWork, String>
    private let lookUp: LookUp

    /// Creates a lookup.
    /// - Parameters:
    ///   - known: The account when it is known without a call (from a role ARN).
    ///   - overrun: How long a lookup may go on past the deadline of the caller that started it.
    ///   - sleep: Waits for deadlines; tests pass one they control.
    ///   - lookUp: Asks AWS; called only while no account is known.
    public init(
        known: String?,
        overrun: Duration = .seconds(30),
        sleep: @escaping DeadlineSleep = DeadlineClock.continuous,
        lookUp: @escaping LookUp = { _ in throw AccountUnknown() }
    ) {
        self.cached = Mutex(known)
        self.lookups = SharedWork(overrun: overrun, sleep: sleep)
        self.lookUp = lookUp
    }

    /// The account id, when known by now; no call.
    public var known: String? { cached.withLock { $0 } }

    /// The account id, asked of AWS when not known yet.
    /// - Throws: An ``AWSError`` of kind `.deadlineExceeded` when the lookup has not answered by `deadline` (it goes
    ///   on for the next caller), or what the lookup threw.
    public func accountID(deadline: ContinuousClock.Instant?) async throws -> String {
        if let known { return known }
        do {
            return try await lookups.value(for: .key, until: deadline) { bound in
                let account = try await self.lookUp(bound)
                self.cached.withLock { $0 = account }
                return account
            }
        } catch is DeadlinePassed {
            throw AWSError.deadlineExceeded(
                service: "sts",
                operation: "GetCallerIdentity",
                "the account id lookup did not answer before the scrape's deadline"
            )
        }
    }

    /// The 12-digit account of `arn:<partition>:iam::<account>:role/<name>`, or `nil`.
    public static func account(ofRoleARN arn: String) -> String? {
        let fields = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard fields.count == 6, fields[0] == "arn", fields[2] == "iam", fields[4].utf8.count == 12,
            fields[4].utf8.allSatisfy({ $0 >= 48 && $0 <= 57 })
        else { return nil }
        return String(fields[4])
    }

    /// No way to learn the account was given.
    public struct AccountUnknown: Error, CustomStringConvertible {
        /// Creates the error.
        public init() {}
        public var description: String { "the account id of these credentials is not known" }
    }
}
