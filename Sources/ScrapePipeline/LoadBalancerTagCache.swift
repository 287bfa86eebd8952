import AWSCore
import AWSServices
public import Foundation
public import Logging
import Synchronization

/// Load balancers and their tags, refreshed off the scrape path every `tag_labels.cache_ttl_seconds`.
///
/// A scrape only reads the snapshot, so a steady-state scrape makes no tag calls. Each API part is replaced only
/// by a complete successful refresh: a failed refresh keeps the last known tags (and is counted and logged), a
/// deleted load balancer disappears at the next successful refresh.
public final class LoadBalancerTagCache: Sendable {
    private struct State {
        var snapshot: LoadBalancerTagSnapshot
        /// Parts that have finished at least one refresh, successful or not.
        var attempted: Set<LoadBalancerAPIKind> = []
    }

    private let state: Mutex<State>

    /// Creates a cache, optionally seeded with an earlier snapshot (a reload keeps the tags it already knows).
    public init(initial: LoadBalancerTagSnapshot = LoadBalancerTagSnapshot()) {
        state = Mutex(State(snapshot: initial))
    }

    /// The current snapshot.
    public var snapshot: LoadBalancerTagSnapshot { state.withLock { $0.snapshot } }

    /// Refreshes the parts in `kinds`, concurrently and each independently.
    /// - Parameter concurrency: DescribeTags calls in flight at once (the config's `max_concurrent_requests`).
    public func refresh(
        _ kinds: Set<LoadBalancerAPIKind>,
        apis: AWSAPIs,
        concurrency: Int = 10,
        metrics: SelfMetrics,
        now: @escaping @Sendable () -> Date,
        deadline: ContinuousClock.Instant?,
        logger: Logger
    ) async {
        await withTaskGroup(of: Void.self) { group in
            for kind in kinds {
                group.addTask {
                    await self.refreshPart(
                        kind,
                        apis: apis,
                        concurrency: concurrency,
                        metrics: metrics,
                        now: now,
                        deadline: deadline,
                        logger: logger
                    )
                }
            }
        }
    }

    private func refreshPart(
        _ kind: LoadBalancerAPIKind,
        apis: AWSAPIs,
        concurrency: Int,
        metrics: SelfMetrics,
        now: @Sendable () -> Date,
        deadline: ContinuousClock.Instant?,
        logger: Logger
    ) async {
        defer { state.withLock { _ = $0.attempted.insert(kind) } }
        do {
            let records =
                switch kind {
                case .classic:
                    try await Self.fetchClassic(apis.elb, concurrency: concurrency, deadline: deadline, logger: logger)
                case .v2:
                    try await Self.fetchV2(apis.elbv2, concurrency: concurrency, deadline: deadline, logger: logger)
                }
            let refreshedAt = now()
            state.withLock { $0.snapshot.replace(kind, with: records, refreshedAt: refreshedAt) }
            logger.debug(
                "Refreshed load balancer tags",
                metadata: ["aws.service": "\(kind.service)", "tags.load_balancers": "\(records.count)"]
            )
        } catch {
            metrics.increment(.tagRefreshErrors, [kind.service])
            logger.warning(
                "Load balancer tag refresh failed; keeping the last known tags",
                metadata: ["aws.service": "\(kind.service)", "error": "\(error)"]
            )
        }
    }

    /// Waits, at most until `deadline`, until each part in `kinds` has been refreshed at least once (successfully or
    /// not), so the first scrape after start-up has labels. Afterwards this returns at once.
    public func waitForFirstRefresh(_ kinds: Set<LoadBalancerAPIKind>, until deadline: ContinuousClock.Instant) async {
        while ContinuousClock.now < deadline {
            let waiting = state.withLock { !kinds.isSubset(of: $0.attempted) }
            if !waiting { return }
            do { try await Task.sleep(for: .milliseconds(25)) } catch { return }
        }
    }

    private static func fetchClassic(
        _ api: any ClassicLoadBalancerAPI,
        concurrency: Int,
        deadline: ContinuousClock.Instant?,
        logger: Logger
    ) async throws -> [String: LoadBalancerRecord] {
        var names: [String] = []
        let ending = try await Paginator().forEachPage { marker in
            let page = try await api.describeLoadBalancers(marker: marker, pageSize: 400, deadline: deadline)
            return (page, page.nextMarker)
        } consume: { page in
            names += page.loadBalancers.map(\.name)
        }
        try requireComplete(ending, service: "elb")
        let answer = try await tags(of: names, concurrency: concurrency, logger: logger) { batch in
            try await api.describeTags(loadBalancerNames: batch, deadline: deadline)
        }
        var records: [String: LoadBalancerRecord] = [:]
        for name in names where !answer.deleted.contains(name) {
            records[name] = LoadBalancerRecord(
                kind: .classic,
                name: name,
                dimensionValue: name,
                arn: nil,
                tags: answer.tags[name] ?? []
            )
        }
        return records
    }

    private static func fetchV2(
        _ api: any LoadBalancerV2API,
        concurrency: Int,
        deadline: ContinuousClock.Instant?,
        logger: Logger
    ) async throws -> [String: LoadBalancerRecord] {
        var loadBalancers: [LoadBalancerV2] = []
        let ending = try await Paginator().forEachPage { marker in
            let page = try await api.describeLoadBalancers(marker: marker, pageSize: 400, deadline: deadline)
            return (page, page.nextMarker)
        } consume: { page in
            loadBalancers += page.loadBalancers
        }
        try requireComplete(ending, service: "elbv2")
        let answer = try await tags(of: loadBalancers.map(\.arn), concurrency: concurrency, logger: logger) {
            batch in try await api.describeTags(resourceARNs: batch, deadline: deadline)
        }
        var records: [String: LoadBalancerRecord] = [:]
        for loadBalancer in loadBalancers where !answer.deleted.contains(loadBalancer.arn) {
            guard let kind = LoadBalancerKind(v2Type: loadBalancer.type),
                let dimensionValue = LoadBalancerRecord.v2DimensionValue(arn: loadBalancer.arn, kind: kind)
            else { continue }
            records[dimensionValue] = LoadBalancerRecord(
                kind: kind,
                name: loadBalancer.name,
                dimensionValue: dimensionValue,
                arn: loadBalancer.arn,
                tags: answer.tags[loadBalancer.arn] ?? []
            )
        }
        return records
    }

    /// The most ids one DescribeTags call takes (both APIs).
    static let describeTagsBatchSize = 20

    /// What DescribeTags answered: tags by id, and the ids it said no longer exist (a load balancer without tags
    /// is in neither and is kept, with no tags).
    private struct TagAnswer: Sendable {
        var tags: [String: [AWSTag]] = [:]
        var deleted: Set<String> = []
    }

    /// The tags of `ids`, 20 per DescribeTags call and up to `concurrency` calls at once (a 10,000-load-balancer
    /// fleet is 500 calls). A load balancer deleted after DescribeLoadBalancers listed it makes its whole batch
    /// fail with `LoadBalancerNotFound`; that batch is asked again one id at a time, and only the deleted ones are
    /// left out, so one deletion does not fail the refresh.
    private static func tags(
        of ids: [String],
        concurrency: Int,
        logger: Logger,
        describe: @escaping @Sendable ([String]) async throws -> [String: [AWSTag]]
    ) async throws -> TagAnswer {
        let batches = stride(from: 0, to: ids.count, by: describeTagsBatchSize).map {
            Array(ids[$0..<min($0 + describeTagsBatchSize, ids.count)])
        }
        let limiter = AsyncLimiter(limit: concurrency)
        let answer = try await withThrowingTaskGroup(of: TagAnswer.self) { group in
            for batch in batches {
                group.addTask {
                    do {
                        return TagAnswer(tags: try await limiter.withSlot { try await describe(batch) })
                    } catch let error as AWSError where error.kind == .notFound && batch.count > 1 {
                        return try await oneByOne(batch, limiter: limiter, describe: describe)
                    } catch let error as AWSError where error.kind == .notFound {
                        return TagAnswer(deleted: Set(batch))
                    }
                }
            }
            var answer = TagAnswer()
            for try await part in group {
                answer.tags.merge(part.tags) { first, _ in first }
                answer.deleted.formUnion(part.deleted)
            }
            return answer
        }
        if !answer.deleted.isEmpty {
            logger.debug(
                "Load balancers deleted during the tag refresh are left out",
                metadata: ["tags.deleted": "\(answer.deleted.count)"]
            )
        }
        return answer
    }

    private static func oneByOne(
        _ batch: [String],
        limiter: AsyncLimiter,
        describe: @Sendable ([String]) async throws -> [String: [AWSTag]]
    ) async throws -> TagAnswer {
        var answer = TagAnswer()
        for id in batch {
            do {
                answer.tags.merge(try await limiter.withSlot { try await describe([id]) }) { first, _ in first }
            } catch let error as AWSError where error.kind == .notFound {
                answer.deleted.insert(id)
            }
        }
        return answer
    }

    /// A DescribeLoadBalancers walk that stopped early would drop the load balancers of the missing pages: keep the
    /// last complete snapshot instead.
    private static func requireComplete(_ ending: Paginator.Ending, service: String) throws {
        guard ending != .complete else { return }
        throw AWSError(
            kind: .malformedResponse,
            service: service,
            operation: "DescribeLoadBalancers",
            code: "IncompletePagination",
            message: "pagination stopped early (\(ending)); the last complete tag snapshot stays"
        )
    }
}
