import AWSCore
public import AWSServices
public import AsyncCoordination
public import ConfigFile
public import Exposition
public import Foundation
public import KubernetesAPI
public import Logging
public import ResourceTags
public import ScrapeStatus
import Synchronization
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
    private let labelMemo = SampleLabelMemo()
    private let elbTagsMemo = FamilyMemo()
    private let targetGroupInfoMemo = FamilyMemo()
    private let warnedClashes = Mutex<Set<FamilyBuilder.Clash>>([])
    private let requestsOut = RequestsOut()
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
        let rules = Set(plan.rules.map(\.id))
        store.retain(rules: rules)
        statusBoard.retain(rules: rules)
    }

    /// A new tag cache for `target`, refreshing the load balancer kinds the plan needs there with `apis`, seeded
    /// with `initial` (a reload keeps the tags known so far).
    public static func makeTagCache(
        for target: AWSTarget,
        plan: ScrapePlan,
        config: ExporterConfig,
        apis: AWSAPIs,
        initial: LoadBalancerTagSnapshot = LoadBalancerTagSnapshot(),
        metrics: SelfMetrics,
        now: @escaping @Sendable () -> Date = Date.init,
        logger: Logger
    ) -> LoadBalancerTagCache {
        LoadBalancerTagCache(
            kinds: plan.loadBalancerKinds[target] ?? [],
            classic: apis.elb,
            v2: apis.elbv2,
            timeToLive: TimeInterval(config.tagLabels.cacheTTLSeconds),
            concurrency: config.maxConcurrentRequestsPerRegion ?? config.maxConcurrentRequests,
            initial: initial,
            metrics: metrics,
            now: now,
            logger: logger
        )
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
            for (index, planned) in plan.rules.enumerated() {
                guard let service = servicesByTarget[planned.target], let limiter = limiters[planned.target] else {
                    continue
                }
                pendingRules += 1
                let collection = RuleCollection(
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
                    now: now
                )
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
        let result = assemble(rules, accounts: accounts, at: scrapeTime)
        statusBoard.record(reports(result))
        return result
    }

    /// What a child task of a collection returns.
    private enum Part: Sendable {
        case rule(Int, RuleResult)
        case account(AWSTarget, Result<String, any Error>)
        case deadline
    }

    /// The answer without an AWS call, for a request whose deadline came while another request's collection was
    /// still running: what the datapoint store holds in each rule's window now (including what that collection
    /// fetched so far), with the requests it still waits for counted as missed. Writes no status report.
    public func storedResult() -> ScrapeResult {
        let scrapeTime = now()
        let rules = plan.rules.map { planned -> RuleResult in
            var result = RuleResult()
            let round = StoreRound(store: store, planned: planned, scrapeTime: scrapeTime)
            let listed =
                planned.matcher.permutations()
                ?? (config.listMetricsCacheEnabled
                    ? listMetricsCache.lookup(planned.listMetricsCacheID, resourceIds: [], now: scrapeTime) : nil)
            result.sets = listed.map { round.lastKnown(of: $0) } ?? round.lastKnown()
            return result
        }
        let accounts = Dictionary(
            services.compactMap { service in
                service.account.known.map { (service.target, Result<String, any Error>.success($0)) }
            },
            uniquingKeysWith: { first, _ in first }
        )
        var result = assemble(rules, accounts: accounts, at: scrapeTime, reportUnknownAccounts: false)
        result.missedRequests = max(1, requestsOut.current)
        result.fromStoreOnly = true
        return result
    }

    /// The families of `result`, labelled from the tag caches as they are now.
    public func families(_ result: ScrapeResult, duration: Duration) -> [MetricFamily] {
        let snapshots = Dictionary(
            services.map { ($0.target, $0.tagCache.snapshot) },
            uniquingKeysWith: { first, _ in first }
        )
        let output = FamilyBuilder(
            plan: plan,
            regions: Dictionary(services.map { ($0.target, $0.region) }, uniquingKeysWith: { first, _ in first }),
            elbTagsInfo: config.tagLabels.infoMetric,
            labelMemo: labelMemo,
            elbTagsMemo: elbTagsMemo,
            targetGroupInfoMemo: targetGroupInfoMemo,
            clusterLabel: config.tagLabels.kubernetes ? config.tagLabels.clusterLabel : nil,
            identities: KubernetesIdentityResolver(
                kubernetes: kubernetes?.snapshot,
                serviceLabels: config.kubernetes.serviceLabels
            )
        ).families(result, snapshots: snapshots, duration: duration)
        warn(output.clashes)
        return output.families
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

    /// The scrape's result from its rules' results and the targets' account ids: each target's `region` and
    /// `account_id` labels, and, where the plan labels accounts and one is not known, that target's rules fail
    /// (their series need the label; the datapoints they fetched stay in the store for the next scrape).
    private func assemble(
        _ rules: [RuleResult],
        accounts: [AWSTarget: Result<String, any Error>],
        at scrapeTime: Date,
        reportUnknownAccounts: Bool = true
    ) -> ScrapeResult {
        var rules = rules
        var targetLabels: [AWSTarget: [(name: String, value: String)]] = [:]
        var unknownAccounts: [AWSTarget: any Error] = [:]
        for service in services {
            var labels: [(name: String, value: String)] = []
            if plan.labelsRegion { labels.append(("region", service.region)) }
            if plan.labelsAccount {
                switch accounts[service.target] {
                case .success(let account): labels.append(("account_id", account))
                case .failure(let error): unknownAccounts[service.target] = error
                case nil: unknownAccounts[service.target] = CancellationError()
                }
            }
            targetLabels[service.target] = labels
        }
        var failedTargets: Set<AWSTarget> = []
        var missed = 0
        for (index, planned) in plan.rules.enumerated() {
            if let error = unknownAccounts[planned.target] {
                rules[index].sets = []
                if reportUnknownAccounts { recordUnknownAccount(error, rule: planned, in: &rules[index]) }
            }
            missed += rules[index].missedRequests
            if rules[index].failures > 0 || rules[index].missedRequests > 0 { failedTargets.insert(planned.target) }
        }
        return ScrapeResult(
            scrapeTime: scrapeTime,
            rules: rules,
            targetLabels: targetLabels,
            missedRequests: missed,
            failedTargets: failedTargets
        )
    }

    private func recordUnknownAccount(_ error: any Error, rule planned: PlannedRule, in result: inout RuleResult) {
        let rule = planned.rule
        let cause =
            (error as? AWSError)?.isAbandoned == false
            ? "\(error)" : "STS GetCallerIdentity had not answered by the time the rule's data was in"
        let failure = AWSError(
            kind: .deadlineExceeded,
            service: "sts",
            operation: "GetCallerIdentity",
            code: (error as? AWSError)?.code ?? "Timeout",
            message: "the account id (the account_id label of every series of this rule) is not known: \(cause); "
                + "the rule's series are left out of this scrape"
        )
        result.record(RuleFailure(failure, time: now()))
        metrics.ruleError(namespace: rule.awsNamespace, metricName: rule.awsMetricName, code: failure.code)
    }

    /// What this collection did per rule, for the status board.
    private func reports(_ result: ScrapeResult) -> [RuleReport] {
        zip(plan.rules, result.rules).map { planned, state in
            let rule = planned.rule
            var series = 0
            var loadBalancers: [String] = []
            for data in state.sets {
                for statistic in planned.statistics where data[statistic] != nil { series += 1 }
                if let name = data.dimensions.first(where: {
                    $0.name == "LoadBalancerName" || $0.name == "LoadBalancer"
                }) {
                    loadBalancers.append(name.value)
                }
            }
            return RuleReport(
                id: planned.id,
                scrapeTime: result.scrapeTime,
                window: ScrapeWindow(
                    now: result.scrapeTime,
                    delaySeconds: rule.delaySeconds,
                    rangeSeconds: rule.rangeSeconds
                ),
                discovery: state.discovery,
                exported: state.sets.count,
                exportedSeries: series,
                storeAnswered: state.storeAnswered,
                failure: state.failure,
                failures: state.failures,
                deadlinePassed: result.missedRequests > 0,
                exportedLoadBalancers: loadBalancers
            )
        }
    }

    /// Warns once per rule and label when a tag label would override `job`, `instance` or a dimension label.
    private func warn(_ clashes: Set<FamilyBuilder.Clash>) {
        guard !clashes.isEmpty else { return }
        let new = warnedClashes.withLock { warned in clashes.filter { warned.insert($0).inserted } }
        for clash in new {
            logger.warning(
                "A tag label has the name of a dimension or reserved label; the dimension wins",
                metadata: [
                    "label": "\(clash.label)", "rule.namespace": "\(clash.rule.rule.awsNamespace)",
                    "rule.metric_name": "\(clash.rule.rule.awsMetricName)",
                ]
            )
        }
    }
}
