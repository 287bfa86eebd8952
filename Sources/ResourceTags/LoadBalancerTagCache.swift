import AWSCore
public import AWSServices
public import AsyncCoordination
public import FoundationEssentials
public import Logging
import Synchronization
public import Telemetry

/// The load balancers of one target (region and account) and their tags, refreshed off the scrape path every
/// `tag_labels.cache_ttl_seconds`.
///
/// A scrape only reads the ``snapshot``, so a steady-state scrape makes no tag calls, and labels are attached from
/// whatever the snapshot holds when families are built. The cache owns how it refreshes: its APIs, concurrency
/// bound, time to live, metrics and logger are given once. Each API part is replaced only by a complete successful
/// refresh: a failed refresh keeps the last known tags (and is counted and logged), a deleted load balancer
/// disappears at the next successful refresh. Refreshes are shared work: the refresher and a first scrape waiting
/// for labels join the same one, each leaving at its own deadline.
public final class LoadBalancerTagCache: Sendable {
    /// How long one refresh may run (pages and DescribeTags batches together); a silent API holds it this long.
    public static let refreshBound: Duration = .seconds(120)
    /// How soon a failed refresh is tried again (or after the TTL, when that is shorter).
    public static let retryAfterFailure: TimeInterval = 60

    private struct State {
        var snapshot: LoadBalancerTagSnapshot
        /// When each part was last tried, and whether that try failed.
        var lastAttempt: [LoadBalancerAPIKind: (time: Date, failed: Bool)] = [:]
        /// Whether a scrape has already waited for the first refresh (only one does; see ``awaitFirstRefresh``).
        var firstRefreshAwaited = false
    }

    /// The load balancer APIs whose tags this cache holds (the ELB namespaces with tag labels on).
    public let kinds: Set<LoadBalancerAPIKind>
    /// How long a refresh is good for.
    public let timeToLive: TimeInterval
    private let classicAPI: any ClassicLoadBalancerAPI
    private let v2API: any LoadBalancerV2API
    private let limiter: AsyncLimiter
    private let metrics: SelfMetrics
    private let logger: Logger
    private let keepsDNSNames: Bool
    private let now: @Sendable () -> Date
    private let state: Mutex<State>
    private let refreshes: SharedWork<SingleWork, Void>
    private let sleep: DeadlineSleep

    /// Creates a cache.
    /// - Parameters:
    ///   - kinds: The APIs to refresh; an empty set makes a cache that never calls AWS.
    ///   - classic: DescribeLoadBalancers and DescribeTags of classic load balancers.
    ///   - v2: The same for ALB, NLB and GWLB.
    ///   - timeToLive: `tag_labels.cache_ttl_seconds`.
    ///   - concurrency: DescribeLoadBalancers and DescribeTags calls in flight at once.
    ///   - initial: The snapshot to start from (a reload keeps the tags it already knows).
    ///   - keepsDNSNames: Whether records keep their load balancer's DNS name: only the Kubernetes API source
    ///     matches by it, and at 50,000 load balancers the names are 4.8 MiB.
    ///   - metrics: Where failed refreshes are counted.
    ///   - now: The wall clock (refresh times).
    ///   - sleep: Waits for deadlines; tests pass one they control.
    ///   - logger: Where refreshes are logged.
    public init(
        kinds: Set<LoadBalancerAPIKind>,
        classic: any ClassicLoadBalancerAPI,
        v2: any LoadBalancerV2API,
        timeToLive: TimeInterval,
        concurrency: Int,
        initial: LoadBalancerTagSnapshot = LoadBalancerTagSnapshot(),
        keepsDNSNames: Bool = true,
        metrics: SelfMetrics,
        now: @escaping @Sendable () -> Date = Date.init,
        sleep: @escaping DeadlineSleep = DeadlineClock.continuous,
        logger: Logger
    ) {
        self.kinds = kinds
        self.keepsDNSNames = keepsDNSNames
        self.timeToLive = max(1, timeToLive)
        self.classicAPI = classic
        self.v2API = v2
        self.limiter = AsyncLimiter(limit: concurrency)
        self.metrics = metrics
        self.logger = logger
        self.now = now
        self.state = Mutex(State(snapshot: initial))
        self.refreshes = SharedWork(sleep: sleep)
        self.sleep = sleep
    }

    /// The current snapshot.
    public var snapshot: LoadBalancerTagSnapshot { state.withLock { $0.snapshot } }

    /// Whether every part has been tried at least once (successfully or not) since start-up or, for a part the
    /// initial snapshot already had, ever.
    public var hasRefreshedOnce: Bool {
        state.withLock { state in
            kinds.allSatisfy { state.lastAttempt[$0] != nil || state.snapshot.refreshedAt($0) != nil }
        }
    }

    /// When the next refresh is due: a part never refreshed is due now, a refreshed part a TTL after its last
    /// success, a failed part a minute (at most a TTL) after the failure. `nil` when the cache refreshes nothing.
    public var nextRefresh: Date? {
        state.withLock { state in
            kinds.map { kind -> Date in
                if let attempt = state.lastAttempt[kind], attempt.failed {
                    return attempt.time.addingTimeInterval(min(timeToLive, Self.retryAfterFailure))
                }
                let success = state.snapshot.refreshedAt(kind) ?? state.lastAttempt[kind]?.time
                return success?.addingTimeInterval(timeToLive) ?? .distantPast
            }.min()
        }
    }

    /// Refreshes every part now (joining a refresh already running) and returns when it ended or `deadline` came,
    /// whichever is first; the refresh runs at most ``refreshBound``.
    /// - Returns: Whether a refresh ran (not after ``cancelRefreshes()``, nor for a cache without parts).
    @discardableResult
    public func refresh(until deadline: ContinuousClock.Instant?) async -> Bool {
        guard start() || refreshes.isRunning(.key) else { return false }
        _ = try? await refreshes.join(.key, until: deadline)
        return true
    }

    /// Starts a refresh unless one is running; does not wait for it.
    /// - Returns: Whether this call started one.
    @discardableResult
    public func start() -> Bool {
        guard !kinds.isEmpty else { return false }
        return refreshes.start(.key, bound: .now.advanced(by: Self.refreshBound)) { bound in
            await self.refreshParts(deadline: bound)
        }
    }

    /// Refreshes whenever a refresh is due (``nextRefresh``), sleeping until then, until the task is cancelled or
    /// the cache is retired.
    public func keepFresh() async {
        while !Task.isCancelled, let due = nextRefresh {
            let wait = due.timeIntervalSince(now())
            if wait > 0 {
                guard (try? await sleep(.now.advanced(by: CheckedTime.duration(seconds: wait)))) != nil else { return }
            }
            guard await refresh(until: nil) else { return }
        }
    }

    /// For the first scrape after start-up: waits until `deadline` for the first refresh (starting it if nothing
    /// has), so that the first scrape has labels. Only one scrape waits, and only before the first refresh has
    /// ended: when tags are slow or their API does not answer, later scrapes answer at once with what the snapshot
    /// holds (tags never cost a scrape its deadline twice).
    public func awaitFirstRefresh(until deadline: ContinuousClock.Instant?) async {
        guard !kinds.isEmpty, !hasRefreshedOnce else { return }
        let first = state.withLock { state in
            defer { state.firstRefreshAwaited = true }
            return !state.firstRefreshAwaited
        }
        guard first else { return }
        await refresh(until: deadline)
    }

    /// Ends a refresh in flight (at shutdown, or when a reload replaced this cache).
    public func cancelRefreshes() {
        refreshes.cancelAll()
    }

    private func refreshParts(deadline: ContinuousClock.Instant?) async {
        await withTaskGroup(of: Void.self) { group in
            for kind in kinds {
                group.addTask { await self.refreshPart(kind, deadline: deadline) }
            }
        }
    }

    private func refreshPart(_ kind: LoadBalancerAPIKind, deadline: ContinuousClock.Instant?) async {
        do {
            let refreshedAt: Date
            let count: Int
            switch kind {
            case .classic, .v2:
                let records =
                    kind == .classic
                    ? try await fetchClassic(deadline: deadline) : try await fetchV2(deadline: deadline)
                refreshedAt = now()
                count = records.count
                let keepsDNSNames = self.keepsDNSNames
                state.withLock {
                    $0.snapshot.replace(kind, with: records, refreshedAt: refreshedAt, keptDNSNames: keepsDNSNames)
                }
            case .targetGroups:
                let records = try await fetchTargetGroups(deadline: deadline)
                refreshedAt = now()
                count = records.count
                state.withLock { $0.snapshot.replaceTargetGroups(records, refreshedAt: refreshedAt) }
            }
            state.withLock { $0.lastAttempt[kind] = (refreshedAt, false) }
            logger.debug(
                "Refreshed load balancer tags",
                metadata: ["aws.service": "\(kind.service)", "tags.part": "\(kind)", "tags.resources": "\(count)"]
            )
        } catch {
            let failedAt = now()
            state.withLock { $0.lastAttempt[kind] = (failedAt, true) }
            // A refresh ended by a shutdown or a reload is not a failure of AWS.
            if error is CancellationError || (error as? AWSError)?.kind == .cancelled { return }
            metrics.tagRefreshError(service: kind.service)
            logger.warning(
                "Load balancer tag refresh failed; keeping the last known tags",
                metadata: ["aws.service": "\(kind.service)", "error": "\(error)"]
            )
        }
    }

    /// Classic load balancers, keyed by name.
    private func fetchClassic(deadline: ContinuousClock.Instant?) async throws -> LoadBalancerRecords {
        let api = classicAPI
        return try await fetch(
            service: "elb",
            page: { marker in
                let page = try await api.describeLoadBalancers(marker: marker, pageSize: 400, deadline: deadline)
                return (page.loadBalancers.map(\.name), page.loadBalancers, page.nextMarker)
            },
            describe: { batch in try await api.describeTags(loadBalancerNames: batch, deadline: deadline) },
            record: { loadBalancer, tags in
                LoadBalancerRecord(
                    kind: .classic,
                    name: loadBalancer.name,
                    dimensionValue: loadBalancer.name,
                    arn: nil,
                    tags: tags[loadBalancer.name] ?? [],
                    dnsName: keepsDNSNames ? loadBalancer.dnsName : ""
                )
            }
        )
    }

    /// ALB, NLB and GWLB, keyed by their CloudWatch `LoadBalancer` dimension value.
    private func fetchV2(deadline: ContinuousClock.Instant?) async throws -> LoadBalancerRecords {
        let api = v2API
        return try await fetch(
            service: "elbv2",
            page: { marker in
                let page = try await api.describeLoadBalancers(marker: marker, pageSize: 400, deadline: deadline)
                return (page.loadBalancers.map(\.arn), page.loadBalancers, page.nextMarker)
            },
            describe: { batch in try await api.describeTags(resourceARNs: batch, deadline: deadline) },
            record: { loadBalancer, tags in
                guard let kind = LoadBalancerKind(v2Type: loadBalancer.type),
                    let dimensionValue = LoadBalancerRecord.v2DimensionValue(arn: loadBalancer.arn, kind: kind)
                else { return nil }
                return LoadBalancerRecord(
                    kind: kind,
                    name: loadBalancer.name,
                    dimensionValue: dimensionValue,
                    arn: loadBalancer.arn,
                    tags: tags[loadBalancer.arn] ?? [],
                    dnsName: keepsDNSNames ? loadBalancer.dnsName : ""
                )
            }
        )
    }

    /// ELBv2 target groups, keyed by their CloudWatch `TargetGroup` dimension value: listed like load balancers
    /// (DescribeTargetGroups pages), their tags asked as pages arrive (DescribeTags takes target group ARNs too).
    private func fetchTargetGroups(deadline: ContinuousClock.Instant?) async throws -> [String: TargetGroupRecord] {
        let api = v2API
        let limiter = self.limiter
        let walk = try await TagWalk.run(
            limiter: limiter,
            service: "elbv2",
            operation: "DescribeTargetGroups",
            page: { marker in
                // Before the queued DescribeTags batches: the next page brings the next batches.
                try await limiter.withSlot(first: true) {
                    let page = try await api.describeTargetGroups(marker: marker, pageSize: 400, deadline: deadline)
                    return (page.targetGroups.map(\.arn), page.targetGroups, page.nextMarker)
                }
            },
            describe: { batch in try await api.describeTags(resourceARNs: batch, deadline: deadline) }
        )
        var records: [String: TargetGroupRecord] = [:]
        for targetGroup in walk.resources where !walk.tags.deleted.contains(targetGroup.arn) {
            guard let dimensionValue = TargetGroup.dimensionValue(arn: targetGroup.arn) else { continue }
            records[dimensionValue] = TargetGroupRecord(
                arn: targetGroup.arn,
                name: targetGroup.name,
                dimensionValue: dimensionValue,
                loadBalancerARNs: targetGroup.loadBalancerARNs,
                port: targetGroup.port,
                tags: walk.tags.tags[targetGroup.arn] ?? []
            )
        }
        return records
    }

    /// Lists one API's load balancers page by page (each page in a slot of the bound, ahead of the DescribeTags
    /// batches queued for it: at 50,000 load balancers a page queued behind its predecessors' batches left the bound
    /// idle between pages), asks their tags as pages arrive, and keeps a record of each that still exists.
    private func fetch<Resource: Sendable>(
        service: String,
        page: @escaping @Sendable (String?) async throws -> (ids: [String], resources: [Resource], next: String?),
        describe: @escaping @Sendable ([String]) async throws -> [String: [AWSTag]],
        record: (Resource, [String: [AWSTag]]) -> LoadBalancerRecord?
    ) async throws -> LoadBalancerRecords {
        let limiter = self.limiter
        let walk = try await TagWalk.run(
            limiter: limiter,
            service: service,
            operation: "DescribeLoadBalancers",
            page: { marker in try await limiter.withSlot(first: true) { try await page(marker) } },
            describe: describe
        )
        var records: [LoadBalancerRecord] = []
        records.reserveCapacity(walk.resources.count)
        for resource in walk.resources {
            guard let made = record(resource, walk.tags.tags),
                !walk.tags.deleted.contains(made.arn ?? made.name)
            else { continue }
            records.append(made)
        }
        if !walk.tags.deleted.isEmpty {
            logger.debug(
                "Load balancers deleted during the tag refresh are left out",
                metadata: ["tags.deleted": "\(walk.tags.deleted.count)"]
            )
        }
        return LoadBalancerRecords(records)
    }
}
