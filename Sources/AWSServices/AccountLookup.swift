import Synchronization

/// The account id of a credential source, looked up at most once: known from a role ARN, or asked of STS
/// `GetCallerIdentity` on first use and cached (a failed lookup is not cached, so the next scrape tries again).
/// Callers that ask while a lookup is out wait for that one, so the regions of one source make one call.
public final class AccountLookup: Sendable {
    private let cached: Mutex<String?>
    private let pending = Mutex<Task<String, any Error>?>(nil)
    private let lookUp: @Sendable () async throws -> String

    /// Creates a lookup.
    /// - Parameters:
    ///   - known: The account when it is known without a call (from a role ARN).
    ///   - lookUp: Asks AWS; called only while no account is known.
    public init(known: String?, lookUp: @escaping @Sendable () async throws -> String = { throw AccountUnknown() }) {
        self.cached = Mutex(known)
        self.lookUp = lookUp
    }

    /// The account id.
    public func accountID() async throws -> String {
        if let known = cached.withLock({ $0 }) { return known }
        let lookUp = self.lookUp
        let task = pending.withLock { pending in
            if let running = pending { return running }
            let started = Task { try await lookUp() }
            pending = started
            return started
        }
        do {
            let account = try await task.value
            cached.withLock { $0 = account }
            return account
        } catch {
            pending.withLock { if $0 == task { $0 = nil } }
            throw error
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
