import AWSCore
public import AWSServices
public import AsyncCoordination
public import ConfigFile
public import Exposition
public import FoundationEssentials
public import KubernetesAPI
public import Logging
public import ResourceTags
public import ScrapeStatus
public import Telemetry

/// Runs CloudWatch scrapes for one config: every planned rule at once (``RuleCollection``), each target's account id
/// beside them, the result as a value (``ScrapeResult``), and families built from it with the tags of the moment
/// (``FamilyBuilder``).
///
/// AWS calls run concurrently, bounded by `max_concurrent_requests` (and per region and account). A failure in one
/// rule (or one dimension set) never drops the others. When the deadline passes, the collection is cancelled and
/// returns what it has; tags and account ids are labels, and never cost a scrape its data or its deadline.
public final class CloudWatchCollector: Sendable {
    /// The config this collector runs.
    public let config: ExporterConfig
    /// The config compiled: rules per target, names, matchers.
    public let plan: ScrapePlan
    /// Each target's AWS APIs and tag cache, in the plan's target order.
    public let services: [TargetServices]
    /// The datapoints fetched per planned rule and dimension set; kept across reloads.
    public let store: DatapointStore
    /// What each rule's last collection did, for the status page; kept across reloads like the store.
    public let statusBoard: StatusBoard
    private let servicesByTarget: [AWSTarget: TargetServices]
    private let listMetricsCache: ListMetricsCache
    private let metrics: SelfMetrics
    private let now: @Sendable () -> Date
    private let sleepUntilDeadline: DeadlineSleep
    private let logger: Logger
    /// What family building keeps from scrape to scrape (derived labels, rule and info families, warned clashes).
    let caches: FamilyCaches
    private let requestsOut = RequestsOut()
    private let assembler: ScrapeAssembler
    /// The Kubernetes API source, when `kubernetes.enabled`; read (never awaited) when families are built.
    public let kubernetes: KubernetesServiceDirectory?

    /// Creates a collector.
    /// - Parameters:
    ///   - config: The validated config.
    ///   - plan: The config compiled (``ScrapePlan/init(config:resolvedRegion:)``).
    ///   - services: The AWS APIs and tag cache of each of the plan's targets.
    ///   - listMetricsCache: The ListMetrics cache (new on every reload, as upstream).
    ///   - store: The datapoint store (a reload passes the previous one on; its entries of removed rules are dropped).
    ///   - statusBoard: Where each collection reports what it did per rule (a reload passes the previous one on).
    ///   - metrics: The process-wide self metrics.
    ///   - now: The wall clock; one reading per scrape sets the query windows.
    ///   - sleepUntilDeadline: Returns when a scrape's deadline has come; tests pass one they control, so that no test
    ///     depends on how fast a busy machine runs.
    ///   - logger: Where rule failures and warnings go.
    ///   - kubernetes: The Kubernetes API source, when the config turns it on.
    /// - Throws: When a target of the plan has no services.
    public init(
        config: ExporterConfig,
        plan: ScrapePlan,
        services: [TargetServices],
        kubernetes: KubernetesServiceDirectory? = nil,
        listMetricsCache: ListMetricsCache = ListMetricsCache(),
        store: DatapointStore = DatapointStore(),
        statusBoard: StatusBoard = StatusBoard(),
        metrics: SelfMetrics,
        now: @escaping @Sendable () -> Date = Date.init,
        sleepUntilDeadline: @escaping DeadlineSleep = DeadlineClock.continuous,
        logger: Logger
    ) throws {
        let byTarget = Dictionary(services.map { ($0.target, $0) }, uniquingKeysWith: { first, _ in first })
        let missing = plan.targets.filter { byTarget[$0] == nil }
        guard missing.isEmpty else { throw MissingTargetServices(targets: missing) }
        self.config = config
        self.plan = plan
        self.services = plan.targets.compactMap { byTarget[$0] }
        self.servicesByTarget = byTarget
        self.kubernetes = kubernetes
        self.listMetricsCache = listMetricsCache
        self.store = store
        self.statusBoard = statusBoard
        self.metrics = metrics
        self.now = now
        self.sleepUntilDeadline = sleepUntilDeadline
        self.logger = logger
        self.caches = FamilyCaches(logger: logger)
        self.assembler = ScrapeAssembler(plan: plan, services: self.services, metrics: metrics, now: now)
        let rules = Set(plan.rules.map(\.id))
        store.retain(rules: rules)
        statusBoard.retain(rules: rules)
    }

    /// A target of the config that was given no services.
    public struct MissingTargetServices: Error, CustomStringConvertible {
        /// The targets.
        public let targets: [AWSTarget]
        public var description: String { "no AWS client for " + targets.map(\.description).joined(separator: ", ") }
    }

    /// The services of `target`.
    public func services(for target: AWSTarget) -> TargetServices? { servicesByTarget[target] }

    // MARK: The scrape

    /// One scrape without a server: collects, gives the first tag refresh until the deadline, and builds the
    /// families.
    public func scrape(deadline: ContinuousClock.Instant?) async -> [MetricFamily] {
        let started = ContinuousClock.now
        let result = await collect(deadline: deadline)
        await awaitFirstTags(until: deadline)
        return families(result, duration: started.duration(to: .now))
    }

    /// Collects every planned rule at once, each target's account id beside them, and records what each rule did on
    /// the status board.
    /// - Parameter deadline: When the answer is due: then the collection is cancelled and returns what it has.
    ///   `nil` waits for everything.
    public func collect(deadline: ContinuousClock.Instant?) async -> ScrapeResult {
        let scrapeTime = now()
        // The first tag refresh runs beside the collection (the refresher has usually started it already).
        for service in services where !service.tagCache.hasRefreshedOnce { service.tagCache.start() }
        let limiters = self.limiters()
        var rules = [RuleResult](repeating: RuleResult(), count: plan.rules.count)
        var accounts: [AWSTarget: Result<String, any Error>] = [:]
        await withTaskGroup(of: Part?.self) { group in
            var pendingAccounts = 0
            if plan.labelsAccount {
                for service in services {
                    pendingAccounts += 1
                    group.addTask {
                        do {
                            let account = try await service.account.accountID(deadline: deadline)
                            return .account(service.target, .success(account))
                        } catch {
                            return .account(service.target, .failure(error))
                        }
                    }
                }
            }
            var pendingRules = 0
            let interner = DimensionSetInterner()
            for (index, planned) in plan.rules.enumerated() {
                guard let service = servicesByTarget[planned.target], let limiter = limiters[planned.target] else {
                    continue
                }
                pendingRules += 1
                var collection = ruleCollection(planned, service, limiter, deadline: deadline, at: scrapeTime)
                collection.interner = interner
                group.addTask { .rule(index, await collection.run()) }
            }
            if let deadline, pendingRules + pendingAccounts > 0 {
                let sleep = sleepUntilDeadline
                group.addTask { (try? await sleep(deadline)).map { .deadline } }
            }
            while pendingRules + pendingAccounts > 0, let part = await group.next() {
                switch part {
                case .rule(let index, let result):
                    rules[index] = result
                    pendingRules -= 1
                    // The data is in: an account id still unknown now costs only its target's series in this scrape
                    // (its lookup goes on for the next one), never more waiting.
                    if pendingRules == 0, pendingAccounts > 0 { group.cancelAll() }
                case .account(let target, let account):
                    accounts[target] = account
                    pendingAccounts -= 1
                case .deadline:
                    // Every call is cancelled and every rule returns what it has.
                    group.cancelAll()
                case nil:
                    break
                }
            }
            group.cancelAll()
        }
        let result = assembler.result(rules: rules, accounts: accounts, at: scrapeTime)
        statusBoard.record(assembler.reports(result))
        return result
    }

    /// What a child task of a collection returns.
    private enum Part: Sendable {
        case rule(Int, RuleResult)
        case account(AWSTarget, Result<String, any Error>)
        case deadline
    }

    /// The answer without an AWS call, for a request whose deadline came while another request's collection was
    /// still running (``StoredAnswer``). Writes no status report.
    public func storedResult() -> ScrapeResult {
        StoredAnswer(
            plan: plan,
            store: store,
            listMetricsCache: config.listMetricsCacheEnabled ? listMetricsCache : nil,
            assembler: assembler
        ).result(at: now(), requestsOut: requestsOut.current)
    }

    /// The families of `result`, labelled from the tag caches as they are now.
    public func families(_ result: ScrapeResult, duration: Duration) -> [MetricFamily] {
        caches.families(
            result,
            plan: plan,
            services: services,
            config: config,
            kubernetes: kubernetes?.snapshot,
            duration: duration
        )
    }

    /// For the first scrape after start-up: gives each target's first tag refresh until `deadline` (see
    /// ``LoadBalancerTagCache/awaitFirstRefresh(until:)``); at once afterwards.
    public func awaitFirstTags(until deadline: ContinuousClock.Instant?) async {
        let waiting = services.filter { !$0.tagCache.hasRefreshedOnce }.map(\.tagCache)
        guard !waiting.isEmpty else { return }
        let sleep = sleepUntilDeadline
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withTaskGroup(of: Void.self) { caches in
                    for cache in waiting { caches.addTask { await cache.awaitFirstRefresh(until: nil) } }
                }
            }
            if let deadline { group.addTask { try? await sleep(deadline) } }
            // The refreshes, or the deadline: whichever comes first (the refreshes go on).
            await group.next()
            group.cancelAll()
        }
    }

    /// Refreshes every target's tags now, targets concurrently (tools and tests; the server's refresher keeps them
    /// fresh).
    public func refreshTags(until deadline: ContinuousClock.Instant?) async {
        await withTaskGroup(of: Void.self) { group in
            for service in services {
                group.addTask { await service.tagCache.refresh(until: deadline) }
            }
        }
    }

    // MARK: Parts of a scrape

    /// One planned rule's run in this scrape.
    private func ruleCollection(
        _ planned: PlannedRule,
        _ service: TargetServices,
        _ limiter: AsyncLimiter,
        deadline: ContinuousClock.Instant?,
        at scrapeTime: Date
    ) -> RuleCollection {
        RuleCollection(
            context: RuleContext(
                planned: planned,
                apis: service.apis,
                region: service.region,
                limiter: limiter,
                deadline: deadline,
                metrics: metrics,
                logger: logger,
                requestsOut: requestsOut
            ),
            store: store,
            listMetricsCache: config.listMetricsCacheEnabled ? listMetricsCache : nil,
            listMetricsCacheTTL: planned.rule.listMetricsCacheTTL ?? config.globalListMetricsCacheTTL,
            scrapeTime: scrapeTime,
            now: now,
            willFetch: { [caches] in caches.forgetFamilies(of: planned.id) }
        )
    }

    /// A global bound and one per target under it; a target bound that can never bind (one target, or not below the
    /// global one) would only add a second queue to every call.
    private func limiters() -> [AWSTarget: AsyncLimiter] {
        let global = AsyncLimiter(limit: config.maxConcurrentRequests)
        let perTarget = config.maxConcurrentRequestsPerRegion ?? config.maxConcurrentRequests
        var limiters: [AWSTarget: AsyncLimiter] = [:]
        for service in services {
            limiters[service.target] =
                services.count == 1 || perTarget >= config.maxConcurrentRequests
                ? global : AsyncLimiter(limit: perTarget, parent: global)
        }
        return limiters
    }
}
