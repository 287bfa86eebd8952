public import AWSCore
public import AWSSigV4
import AsyncCoordination
public import FoundationEssentials
public import Logging

/// Caches the temporary credentials of another provider and refreshes them before they expire.
///
/// Refresh timing follows botocore: an *advisory* refresh from 15 minutes before `expiration` (callers that
/// arrive while it runs keep using the current credentials) and a *mandatory* one from 10 minutes before (callers
/// wait for it). Credentials shorter-lived than that refresh at half and a quarter of their lifetime instead, so a
/// 15-minute AssumeRole session is not refreshed on every call.
///
/// Concurrent callers share one refresh (``SharedWork``): each waits for it only until its own deadline, and the
/// refresh, bounded by its starter's deadline plus `refreshOverrun`, goes on for the others. A failed refresh is logged as a warning (the error, never the secret)
/// and the current credentials are used while they are still valid, retrying at most every
/// `failureRetryInterval`; once they have expired the failure is thrown.
public actor CachingCredentialProvider: CredentialProvider {
    private struct Entry {
        var credentials: AWSCredentials
        var refreshAt: Date
        var mustRefreshAt: Date
        var validUntil: Date
    }

    private let source: any CredentialProvider
    private let name: String
    private let clock: @Sendable () -> Date
    private let logger: Logger
    private let advisoryLead: TimeInterval
    private let mandatoryLead: TimeInterval
    private let failureRetryInterval: TimeInterval
    private var entry: Entry?
    private var retryNotBefore: Date?
    private let refreshes: SharedWork<SingleWork, AWSCredentials>

    /// Wraps `source`.
    /// - Parameters:
    ///   - source: The provider to cache; it is asked again only to refresh.
    ///   - name: The provider's name for log messages, e.g. `assume-role`.
    ///   - clock: The current time; injected for tests.
    ///   - logger: Receives refresh warnings.
    ///   - advisoryRefresh: How long before expiry to start refreshing without blocking callers.
    ///   - mandatoryRefresh: How long before expiry callers wait for the refresh.
    ///   - failureRetryInterval: How long to keep using valid credentials after a failed refresh before trying
    ///     again.
    ///   - refreshOverrun: How long a refresh may go on past the deadline of the caller that started it, so that
    ///     a slow STS or IMDS still serves the next caller.
    public init(
        _ source: any CredentialProvider,
        name: String,
        clock: @escaping @Sendable () -> Date = Date.init,
        logger: Logger,
        advisoryRefresh: TimeInterval = 15 * 60,
        mandatoryRefresh: TimeInterval = 10 * 60,
        failureRetryInterval: TimeInterval = 30,
        refreshOverrun: Duration = .seconds(30)
    ) {
        self.source = source
        self.name = name
        self.clock = clock
        self.logger = logger
        self.advisoryLead = advisoryRefresh
        self.mandatoryLead = min(mandatoryRefresh, advisoryRefresh)
        self.failureRetryInterval = failureRetryInterval
        self.refreshes = SharedWork(overrun: refreshOverrun)
    }

    /// Returns the cached credentials, refreshing them first when they are due, but waiting for the refresh only
    /// until `deadline`: while the current credentials are valid they answer at the deadline (the refresh goes on
    /// and serves the next caller), so a slow STS or IMDS never makes a scrape miss its deadline.
    public func credentials(deadline: ContinuousClock.Instant?) async throws -> AWSCredentials {
        let now = clock()
        guard let entry else { return try await refresh(until: deadline) }
        if now < entry.refreshAt { return entry.credentials }
        let stillValid = now < entry.validUntil
        if stillValid, let retryNotBefore, now < retryNotBefore { return entry.credentials }
        if stillValid, now < entry.mustRefreshAt, refreshes.isRunning(.key) { return entry.credentials }
        do {
            return try await refresh(until: deadline)
        } catch {
            if let current = self.entry, clock() < current.validUntil { return current.credentials }
            throw error
        }
    }

    /// Joins the refresh in flight, or starts one, and waits for it until `deadline`. A caller leaving (deadline,
    /// cancellation) does not fail the others waiting on it.
    private func refresh(until deadline: ContinuousClock.Instant?) async throws -> AWSCredentials {
        do {
            return try await refreshes.value(for: .key, until: deadline) { bound in
                try await self.fetchAndStore(deadline: bound)
            }
        } catch is DeadlinePassed {
            throw AWSError.deadlineExceeded(
                service: "credentials",
                operation: name,
                "the credential refresh did not finish before the caller's deadline"
            )
        }
    }

    private func fetchAndStore(deadline: ContinuousClock.Instant?) async throws -> AWSCredentials {
        do {
            let fresh = try await source.credentials(deadline: deadline)
            store(fresh)
            retryNotBefore = nil
            return fresh
        } catch {
            let now = clock()
            if let entry, now < entry.validUntil {
                retryNotBefore = now.addingTimeInterval(failureRetryInterval)
                logger.warning(
                    "refreshing AWS credentials failed; using the current ones until they expire",
                    metadata: [
                        "provider": "\(name)", "error": "\(error)",
                        "expiration": "\(entry.validUntil)",
                    ]
                )
            }
            throw error
        }
    }

    private func store(_ credentials: AWSCredentials) {
        let now = clock()
        guard let expiration = credentials.expiration else {
            entry = Entry(
                credentials: credentials,
                refreshAt: .distantFuture,
                mustRefreshAt: .distantFuture,
                validUntil: .distantFuture
            )
            return
        }
        let lifetime = expiration.timeIntervalSince(now)
        if lifetime < 60 {
            // An IMDS outage can hand out credentials at or past expiry. AWS keeps accepting them for a while
            // (static stability), so like botocore use them for a few minutes rather than fetch on every call.
            let retryAt = now.addingTimeInterval(5 * 60)
            logger.warning(
                "AWS credentials expire in under a minute; using them and fetching again in 5 minutes",
                metadata: ["provider": "\(name)", "expiration": "\(expiration)"]
            )
            entry = Entry(credentials: credentials, refreshAt: retryAt, mustRefreshAt: retryAt, validUntil: retryAt)
            return
        }
        entry = Entry(
            credentials: credentials,
            refreshAt: expiration.addingTimeInterval(-min(advisoryLead, lifetime / 2)),
            mustRefreshAt: expiration.addingTimeInterval(-min(mandatoryLead, lifetime / 4)),
            validUntil: expiration
        )
    }
}
