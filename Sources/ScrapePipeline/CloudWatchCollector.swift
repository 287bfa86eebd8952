import AWSCore
import AWSServices
public import ConfigFile
public import Exposition
public import Foundation
public import Logging
import Synchronization

/// Runs one CloudWatch scrape for a config: dimension discovery, GetMetricStatistics or GetMetricData, tag labels,
/// `aws_resource_info`, `aws_elb_tags` and the per-scrape self metrics.
///
/// AWS calls run concurrently, bounded by `max_concurrent_requests`. A failure in one rule (or one dimension set)
/// never drops the others: it sets `cloudwatch_exporter_scrape_error` and is counted and logged. When the scrape
/// deadline passes, the scrape returns what it has and counts what it missed.
public final class CloudWatchCollector: Sendable {
    /// The config this collector runs.
    public let config: ExporterConfig
    /// The config compiled: rules per target, names, matchers.
    public let plan: ScrapePlan
    /// Each target's AWS APIs and tag cache, in the plan's target order.
    public let services: [TargetServices]
    private let servicesByTarget: [AWSTarget: TargetServices]
    let listMetricsCache: ListMetricsCache
    /// The datapoints fetched per (rule, target, dimension set); kept across reloads (entries of rules a reload
    /// removed or changed are dropped).
    public let store: DatapointStore
    /// What each rule's last scrape did, for the status page; kept across reloads like the store.
    public let statusBoard: StatusBoard
    let metrics: SelfMetrics
    let now: @Sendable () -> Date
    let sleepUntilDeadline: @Sendable (ContinuousClock.Instant) async throws -> Void
    let logger: Logger
    private let warnedClashes = Mutex<Set<String>>([])
    /// Sample labels per rule and dimension set, kept while the tags they derive from are unchanged.
    let labelMemo = SampleLabelMemo()
    /// `aws_elb_tags` as the last scrape built it, with what it was built from.
    let elbTagsMemo = Mutex<(key: [String], family: MetricFamily)?>(nil)

    /// Creates a collector.
    /// - Parameters:
    ///   - config: The validated config.
    ///   - services: The AWS APIs and tag cache of each of the config's targets (``ExporterConfig/targets``).
    ///   - listMetricsCache: The ListMetrics cache (new on every reload, as upstream).
    ///   - store: The datapoint store (a reload passes the previous one on; its entries of removed rules are dropped).
    ///   - statusBoard: Where each scrape reports what it did per rule (a reload passes the previous one on).
    ///   - metrics: The process-wide self metrics.
    ///   - now: The wall clock; one reading per scrape sets the query window.
    ///   - sleepUntilDeadline: Returns when a scrape's deadline has come; tests inject one they control, so that no
    ///     test depends on how fast a busy machine runs.
    ///   - logger: Where rule failures and warnings go.
    /// - Throws: When a regex of the config does not compile, or a target of the config has no services.
    public init(
        config: ExporterConfig,
        services: [TargetServices],
        listMetricsCache: ListMetricsCache = ListMetricsCache(),
        store: DatapointStore = DatapointStore(),
        statusBoard: StatusBoard = StatusBoard(),
        metrics: SelfMetrics,
        now: @escaping @Sendable () -> Date = Date.init,
        sleepUntilDeadline: @escaping @Sendable (ContinuousClock.Instant) async throws -> Void = {
            try await Task.sleep(until: $0, clock: .continuous)
        },
        logger: Logger
    ) throws {
        let byTarget = Dictionary(services.map { ($0.target, $0) }, uniquingKeysWith: { first, _ in first })
        self.config = config
        self.plan = try ScrapePlan(config: config) { byTarget[$0]?.region ?? $0.region }
        let missing = plan.targets.filter { byTarget[$0] == nil }
        guard missing.isEmpty else { throw MissingTargetServices(targets: missing) }
        self.services = plan.targets.compactMap { byTarget[$0] }
        self.servicesByTarget = byTarget
        self.listMetricsCache = listMetricsCache
        self.store = store
        store.retain(rules: Set(plan.rules.map(\.key)))
        self.statusBoard = statusBoard
        statusBoard.retain(rules: Set(plan.rules.map(\.rule)))
        self.metrics = metrics
        self.now = now
        self.sleepUntilDeadline = sleepUntilDeadline
        self.logger = logger
    }

    /// Creates a collector for a config with one target (tests, and configs without `regions` or per-rule targets).
    public convenience init(
        config: ExporterConfig,
        apis: AWSAPIs,
        tagCache: LoadBalancerTagCache,
        region: String = "us-east-1",
        store: DatapointStore = DatapointStore(),
        metrics: SelfMetrics,
        now: @escaping @Sendable () -> Date = Date.init,
        sleepUntilDeadline: @escaping @Sendable (ContinuousClock.Instant) async throws -> Void = {
            try await Task.sleep(until: $0, clock: .continuous)
        },
        logger: Logger
    ) throws {
        try self.init(
            config: config,
            services: config.targets.map { TargetServices(target: $0, region: region, apis: apis, tagCache: tagCache) },
            store: store,
            metrics: metrics,
            now: now,
            sleepUntilDeadline: sleepUntilDeadline,
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

    /// Runs one scrape and returns its families: the rules' families (merged by name), `aws_resource_info`,
    /// `aws_elb_tags`, scrape duration, error and missed requests, and the tag cache gauges.
    /// - Parameter deadline: When the answer is due; `nil` waits for everything.
    public func collect(deadline: ContinuousClock.Instant?) async -> [MetricFamily] {
        let started = ContinuousClock.now
        let scrapeTime = now()
        let accumulator = ScrapeAccumulator(ruleCount: plan.rules.count)
        // Only right after start-up: give the first tag refresh a moment, so the first scrape has labels.
        let tagWait = started.advanced(by: .seconds(5))
        let tagDeadline = deadline.map { min($0, tagWait) } ?? tagWait
        await withTaskGroup(of: Void.self) { group in
            for service in services {
                guard let kinds = plan.loadBalancerKinds[service.target], !kinds.isEmpty else { continue }
                group.addTask { await service.tagCache.waitForFirstRefresh(kinds, until: tagDeadline) }
            }
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await self.collectRules(at: scrapeTime, into: accumulator, deadline: deadline)
            }
            if let deadline {
                group.addTask { try? await self.sleepUntilDeadline(deadline) }
            }
            await group.next()
            group.cancelAll()
        }
        let result = accumulator.snapshot
        statusBoard.record(reports(result, at: scrapeTime))
        let snapshots = Dictionary(services.map { ($0.target, $0.tagCache.snapshot) }, uniquingKeysWith: { a, _ in a })
        var families: [MetricFamily] = []
        for (index, planned) in plan.rules.enumerated() {
            families += ruleFamilies(
                planned,
                slot: index,
                state: result.rules[index],
                tagSnapshot: snapshots[planned.target] ?? LoadBalancerTagSnapshot(),
                targetLabels: result.targetLabels[planned.target] ?? []
            )
        }
        families = FamilyMerger.merge(families)
        families.append(resourceInfoFamily(result))
        let tagged = services.compactMap { service -> TaggedTarget? in
            guard let kinds = plan.loadBalancerKinds[service.target], !kinds.isEmpty else { return nil }
            return TaggedTarget(
                snapshot: snapshots[service.target] ?? LoadBalancerTagSnapshot(),
                kinds: kinds,
                labels: result.targetLabels[service.target] ?? []
            )
        }
        if config.tagLabels.infoMetric, !tagged.isEmpty {
            families.append(elbTagsFamily(tagged))
        }
        let duration = started.duration(to: .now)
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        families.append(
            gauge(
                "cloudwatch_exporter_scrape_duration_seconds",
                "Time this CloudWatch scrape took, in seconds.",
                seconds
            )
        )
        families.append(
            gauge("cloudwatch_exporter_scrape_error", "Non-zero if this scrape failed.", result.failed ? 1 : 0)
        )
        if plan.labelsRegion || plan.labelsAccount { families.append(targetErrorFamily(result)) }
        families.append(
            gauge(
                "cloudwatch_exporter_scrape_missed_requests",
                "AWS requests this scrape abandoned because the scrape deadline passed.",
                Double(result.missedRequests)
            )
        )
        families += tagCacheFamilies(tagged, now: scrapeTime)
        return families
    }

    /// `aws_elb_tags`, built again only when a tag snapshot or a target's labels changed (in steady state it is
    /// the same family every scrape, and building it sorts and labels the whole fleet).
    private func elbTagsFamily(_ tagged: [TaggedTarget]) -> MetricFamily {
        let key = tagged.flatMap { target in
            [String(target.snapshot.version)] + target.labels.flatMap { [$0.name, $0.value] } + ["|"]
        }
        if let memo = elbTagsMemo.withLock({ $0 }), memo.key == key { return memo.family }
        let family = ElbTagsFamily.make(tagged.map { ($0.snapshot, $0.labels) })
        elbTagsMemo.withLock { $0 = (key, family) }
        return family
    }

    /// A target with load balancer tags: its snapshot, the kinds it refreshes and its `region`/`account_id` labels.
    struct TaggedTarget {
        let snapshot: LoadBalancerTagSnapshot
        let kinds: Set<LoadBalancerAPIKind>
        let labels: [(name: String, value: String)]
    }

    /// `cloudwatch_exporter_target_scrape_error`: per region and account, whether any of its calls failed.
    private func targetErrorFamily(_ result: ScrapeAccumulator.Snapshot) -> MetricFamily {
        let name = "cloudwatch_exporter_target_scrape_error"
        let samples = services.map { service in
            let account = result.targetLabels[service.target]?.first { $0.name == "account_id" }?.value
            return Sample(
                name: name,
                labels: [("region", service.region), ("account_id", account ?? "")],
                value: result.failedTargets.contains(service.target) ? 1 : 0
            )
        }
        return MetricFamily(
            name: name,
            help: "Non-zero if an AWS call of this region and account failed in this scrape.",
            type: .gauge,
            samples: samples
        )
    }

    /// What this scrape did per rule, for the status board.
    private func reports(_ result: ScrapeAccumulator.Snapshot, at scrapeTime: Date) -> [RuleReport] {
        zip(plan.rules, result.rules).map { planned, state in
            let rule = planned.rule
            var exported = 0
            var series = 0
            var loadBalancers: [String] = []
            for case let data? in state.sets {
                exported += 1
                for statistic in planned.statistics where data[statistic] != nil { series += 1 }
                if let name = data.dimensions.first(where: {
                    $0.name == "LoadBalancerName" || $0.name == "LoadBalancer"
                }
                ) {
                    loadBalancers.append(name.value)
                }
            }
            return RuleReport(
                rule: rule,
                scrapeTime: scrapeTime,
                window: ScrapeWindow(now: scrapeTime, delaySeconds: rule.delaySeconds, rangeSeconds: rule.rangeSeconds),
                discovery: state.discovery,
                exported: exported,
                exportedSeries: series,
                storeAnswered: state.storeAnswered,
                failure: state.failure,
                failures: state.failures,
                deadlinePassed: result.missedRequests > 0,
                exportedLoadBalancers: loadBalancers
            )
        }
    }

    /// Learns each target's `region` and `account_id` labels (when the plan has them), then runs every rule, each
    /// bounded by its target's limiter and the scrape's global one.
    private func collectRules(
        at scrapeTime: Date,
        into accumulator: ScrapeAccumulator,
        deadline: ContinuousClock.Instant?
    ) async {
        let global = AsyncLimiter(limit: config.maxConcurrentRequests)
        let perTarget = config.maxConcurrentRequestsPerRegion ?? config.maxConcurrentRequests
        var limiters: [AWSTarget: AsyncLimiter] = [:]
        for service in services {
            // A target bound that can never bind (one target, or not below the global one) would only add a second
            // queue to every call.
            limiters[service.target] =
                services.count == 1 || perTarget >= config.maxConcurrentRequests
                ? global : AsyncLimiter(limit: perTarget, parent: global)
        }
        let identities = await targetLabels()
        for (target, identity) in identities {
            if case .success(let labels) = identity { accumulator.setTargetLabels(target, labels) }
        }
        await withTaskGroup(of: Void.self) { group in
            for (slot, planned) in plan.rules.enumerated() {
                guard let service = services(for: planned.target), let limiter = limiters[planned.target] else {
                    continue
                }
                let run = RuleRun(slot: slot, planned: planned, services: service, limiter: limiter)
                if case .failure(let error) = identities[planned.target] {
                    recordFailure(error, run: run, accumulator: accumulator)
                    continue
                }
                group.addTask {
                    await self.collectRule(run, at: scrapeTime, into: accumulator, deadline: deadline)
                }
            }
        }
    }

    typealias TargetLabels = Result<[(name: String, value: String)], any Error>

    /// Per target, its `region` and `account_id` labels, as far as the plan labels them; a failed account lookup
    /// (STS unreachable) fails that target's rules only.
    private func targetLabels() async -> [AWSTarget: TargetLabels] {
        let plan = self.plan
        return await withTaskGroup(of: (AWSTarget, TargetLabels).self) { group in
            for service in services {
                group.addTask {
                    var labels: [(name: String, value: String)] = []
                    if plan.labelsRegion { labels.append(("region", service.region)) }
                    if plan.labelsAccount {
                        do {
                            labels.append(("account_id", try await service.accountID()))
                        } catch {
                            return (service.target, .failure(error))
                        }
                    }
                    return (service.target, .success(labels))
                }
            }
            var result: [AWSTarget: TargetLabels] = [:]
            for await (target, labels) in group { result[target] = labels }
            return result
        }
    }

    private func collectRule(
        _ run: RuleRun,
        at scrapeTime: Date,
        into accumulator: ScrapeAccumulator,
        deadline: ContinuousClock.Instant?
    ) async {
        let rule = run.rule
        let window = ScrapeWindow(now: scrapeTime, delaySeconds: rule.delaySeconds, rangeSeconds: rule.rangeSeconds)
        do {
            var resourceIds: [String] = []
            var taggedResourceIds: Set<String>?
            if let tagSelect = rule.tagSelect {
                let mappings = try await taggedResources(tagSelect, run: run, deadline: deadline)
                let pattern = run.planned.arnPattern
                resourceIds = mappings.map { pattern?.firstNonEmptyGroup(in: $0.resourceARN) ?? "" }
                accumulator.storeTaggedResources(rule: run.slot, mappings: mappings, resourceIds: resourceIds)
                if tagSelect.tagSelections != nil { taggedResourceIds = Set(resourceIds) }
            }
            let (sets, discovery) = try await dimensionSets(
                run,
                resourceIds: resourceIds,
                taggedResourceIds: taggedResourceIds,
                now: scrapeTime,
                deadline: deadline
            )
            accumulator.recordDiscovery(rule: run.slot, discovery)
            if rule.useGetMetricData {
                await fetchMetricData(
                    run,
                    sets: sets,
                    window: window,
                    at: scrapeTime,
                    into: accumulator,
                    deadline: deadline
                )
            } else {
                await fetchStatistics(
                    run,
                    sets: sets,
                    window: window,
                    at: scrapeTime,
                    into: accumulator,
                    deadline: deadline
                )
            }
            store.prune(rule: run.planned.key, keeping: sets, window: window)
        } catch {
            recordFailure(error, run: run, accumulator: accumulator)
            // Discovery failed (ListMetrics throttled, or past the deadline): the dimension sets the store knows keep
            // their datapoints while those are in the window. Not for aws_tag_select rules, whose sets depend on
            // the tags of the moment.
            guard rule.tagSelect == nil else { return }
            let known = store.dimensionSets(rule: run.planned.key)
            fallBack(
                run,
                sets: known.enumerated().map { (index: $0.offset, dimensions: $0.element) },
                window: window,
                into: accumulator
            )
        }
    }

    /// Counts and logs a failed AWS call of `rule`; a call abandoned at the deadline counts as missed instead.
    func recordFailure(_ error: any Error, run: RuleRun, accumulator: ScrapeAccumulator) {
        let rule = run.rule
        if Task.isCancelled || error is CancellationError {
            accumulator.markFailed(target: run.planned.target, missedRequest: true)
            return
        }
        let code = (error as? AWSError)?.code ?? String(describing: type(of: error))
        if let failure = RuleFailure(error, time: now()) { accumulator.recordFailure(rule: run.slot, failure) }
        accumulator.markFailed(target: run.planned.target, missedRequest: (error as? AWSError)?.kind == .timeout)
        metrics.increment(.ruleErrors, [rule.awsNamespace, rule.awsMetricName, code])
        logger.warning(
            "CloudWatch scrape failed for a rule; its other series and the other rules are kept",
            metadata: [
                "rule.namespace": "\(rule.awsNamespace)", "rule.metric_name": "\(rule.awsMetricName)",
                "aws.region": "\(run.services.region)", "aws.error_code": "\(code)", "error": "\(error)",
            ]
        )
    }

    /// Warns once per label name and rule when a tag label would override `job`, `instance` or a dimension label.
    func warnClash(_ label: String, rule: MetricRule) {
        let key = "\(rule.awsNamespace)/\(rule.awsMetricName)/\(label)"
        let first = warnedClashes.withLock { $0.insert(key).inserted }
        if first {
            logger.warning(
                "A tag label has the name of a dimension or reserved label; the dimension wins",
                metadata: [
                    "label": "\(label)", "rule.namespace": "\(rule.awsNamespace)",
                    "rule.metric_name": "\(rule.awsMetricName)",
                ]
            )
        }
    }

    func gauge(_ name: String, _ help: String, _ value: Double) -> MetricFamily {
        MetricFamily(name: name, help: help, type: .gauge, samples: [Sample(name: name, value: value)])
    }
}

extension CloudWatchCollector {
    /// Refreshes the load balancer tag caches of `targets` (every target that needs tags when `nil`), targets
    /// concurrently, each with at most `max_concurrent_requests_per_region` DescribeTags calls in flight.
    public func refreshTags(of targets: Set<AWSTarget>? = nil, deadline: ContinuousClock.Instant?) async {
        let concurrency = config.maxConcurrentRequestsPerRegion ?? config.maxConcurrentRequests
        await withTaskGroup(of: Void.self) { group in
            for service in services where targets?.contains(service.target) ?? true {
                guard let kinds = plan.loadBalancerKinds[service.target], !kinds.isEmpty else { continue }
                group.addTask {
                    await service.tagCache.refresh(
                        kinds,
                        apis: service.apis,
                        concurrency: concurrency,
                        metrics: self.metrics,
                        now: self.now,
                        deadline: deadline,
                        logger: self.logger
                    )
                }
            }
        }
    }
}
