import AWSCore
import AWSServices
import AsyncCoordination
import ConfigFile
import Logging
import Synchronization
import Telemetry

/// What one planned rule's run in one scrape works with: the rule, its target's APIs, the bound its calls take a
/// slot of, its deadline, and where its calls are counted and logged.
struct RuleContext: Sendable {
    let planned: PlannedRule
    /// The target's AWS APIs.
    let apis: AWSAPIs
    /// The target's region (for logs).
    let region: String
    /// The target's bound, whose slots also take one of the scrape's global bound.
    let limiter: AsyncLimiter
    /// Every call of the run carries it.
    let deadline: ContinuousClock.Instant?
    let metrics: SelfMetrics
    let logger: Logger
    /// Counts the requests out (queued for a slot or sent), so an answer from the store can say how many the
    /// collection in flight still waits for.
    let requestsOut: RequestsOut

    /// Runs one AWS call in a slot of the bound, counted as out while it waits and runs.
    func call<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        requestsOut.began()
        defer { requestsOut.ended() }
        return try await limiter.withSlot(body)
    }

    /// The one paginated-call loop of a rule's run: every page of `operation` as a call of the run (a slot of the
    /// bound, counted as out), each handed to `consume` as it arrives; a walk that ended before its last page (page
    /// cap, repeated token) is logged, since its series may be incomplete and nothing else would say so.
    func forEachPage<Page: Sendable>(
        _ operation: String,
        fetch: (_ token: String?) async throws -> (page: Page, next: String?),
        consume: (Page) throws -> Void
    ) async throws {
        let ending = try await Paginator().forEachPage { token in
            try await call { try await fetch(token) }
        } consume: { page in
            try consume(page)
        }
        guard ending != .complete else { return }
        let rule = planned.rule
        logger.warning(
            "AWS pagination stopped early; some series of the rule may be missing",
            metadata: [
                "aws.operation": "\(operation)", "pagination.ending": "\(ending)",
                "rule.namespace": "\(rule.awsNamespace)", "rule.metric_name": "\(rule.awsMetricName)",
            ]
        )
    }
}

/// How many AWS requests a collector's collection has out at this moment.
final class RequestsOut: Sendable {
    private let count = Atomic<Int>(0)

    func began() { count.add(1, ordering: .relaxed) }
    func ended() { count.subtract(1, ordering: .relaxed) }
    var current: Int { max(0, count.load(ordering: .relaxed)) }
}
