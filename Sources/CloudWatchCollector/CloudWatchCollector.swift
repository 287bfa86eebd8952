import AWSClient
import AWSCore
public import ExporterConfig
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
    let matchers: [RuleMatcher]
    let arnPatterns: [Int: CompiledPattern]
    let apis: AWSAPIs
    /// The load balancer tag cache read by every scrape.
    public let tagCache: LoadBalancerTagCache
    let listMetricsCache: ListMetricsCache
    /// The datapoints fetched per (rule, dimension set); kept across reloads that keep the AWS account and region.
    public let store: DatapointStore
    /// What each rule's last scrape did, for the status page; kept across reloads like the store.
    public let statusBoard: StatusBoard
    let metrics: SelfMetrics
    let now: @Sendable () -> Date
    let sleepUntilDeadline: @Sendable (ContinuousClock.Instant) async throws -> Void
    let logger: Logger
    private let warnedClashes = Mutex<Set<String>>([])

    /// Creates a collector.
    /// - Parameters:
    ///   - config: The validated config.
    ///   - apis: The AWS APIs to call.
    ///   - tagCache: The load balancer tag cache (kept across reloads when the AWS account and region stay the same).
    ///   - listMetricsCache: The ListMetrics cache (new on every reload, as upstream).
    ///   - store: The datapoint store (a reload passes the previous one on; its entries of removed rules are dropped).
    ///   - statusBoard: Where each scrape reports what it did per rule (a reload passes the previous one on).
    ///   - metrics: The process-wide self metrics.
    ///   - now: The wall clock; one reading per scrape sets the query window.
    ///   - sleepUntilDeadline: Returns when a scrape's deadline has come; tests inject one they control, so that no
    ///     test depends on how fast a busy machine runs.
    ///   - logger: Where rule failures and warnings go.
    /// - Throws: When a regex of the config does not compile.
    public init(
        config: ExporterConfig,
        apis: AWSAPIs,
        tagCache: LoadBalancerTagCache,
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
        self.config = config
        self.matchers = try config.rules.map { try RuleMatcher(rule: $0) }
        var arnPatterns: [Int: CompiledPattern] = [:]
        for (index, rule) in config.rules.enumerated() {
            if let tagSelect = rule.tagSelect {
                arnPatterns[index] = try CompiledPattern(tagSelect.arnResourceIdRegexp, anchored: false)
            }
        }
        self.arnPatterns = arnPatterns
        self.loadBalancerAPIKinds = Set(
            config.rules.compactMap { rule in
                rule.tagLabels.enabled ? LoadBalancerTagSnapshot.kindOfAPI(namespace: rule.awsNamespace) : nil
            }
        )
        self.apis = apis
        self.tagCache = tagCache
        self.listMetricsCache = listMetricsCache
        self.store = store
        store.retain(rules: Set(config.rules))
        self.statusBoard = statusBoard
        statusBoard.retain(rules: Set(config.rules))
        self.metrics = metrics
        self.now = now
        self.sleepUntilDeadline = sleepUntilDeadline
        self.logger = logger
    }

    /// The load balancer APIs whose tags this config needs (rules in the ELB namespaces with tag labels on); fixed for
    /// the life of the collector, so the scrape and the tag refresher read it without recomputing.
    public let loadBalancerAPIKinds: Set<LoadBalancerAPIKind>

    /// Runs one scrape and returns its families: the rules' families (merged by name), `aws_resource_info`,
    /// `aws_elb_tags`, scrape duration, error and missed requests, and the tag cache gauges.
    /// - Parameter deadline: When the answer is due; `nil` waits for everything.
    public func collect(deadline: ContinuousClock.Instant?) async -> [MetricFamily] {
        let started = ContinuousClock.now
        let scrapeTime = now()
        let accumulator = ScrapeAccumulator(ruleCount: config.rules.count)
        let limiter = AsyncLimiter(limit: config.maxConcurrentRequests)
        let kinds = loadBalancerAPIKinds
        if !kinds.isEmpty {
            // Only right after start-up: give the first tag refresh a moment, so the first scrape has labels.
            let tagWait = started.advanced(by: .seconds(5))
            await tagCache.waitForFirstRefresh(kinds, until: deadline.map { min($0, tagWait) } ?? tagWait)
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await self.collectRules(at: scrapeTime, into: accumulator, limiter: limiter, deadline: deadline)
            }
            if let deadline {
                group.addTask { try? await self.sleepUntilDeadline(deadline) }
            }
            await group.next()
            group.cancelAll()
        }
        let result = accumulator.snapshot
        statusBoard.record(reports(result, at: scrapeTime))
        let tagSnapshot = tagCache.snapshot
        var families: [MetricFamily] = []
        for (index, matcher) in matchers.enumerated() {
            families += ruleFamilies(matcher.rule, state: result.rules[index], tagSnapshot: tagSnapshot)
        }
        families = FamilyMerger.merge(families)
        families.append(resourceInfoFamily(result.rules))
        if config.tagLabels.infoMetric, !kinds.isEmpty {
            families.append(ElbTagsFamily.make(tagSnapshot))
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
        families.append(
            gauge(
                "cloudwatch_exporter_scrape_missed_requests",
                "AWS requests this scrape abandoned because the scrape deadline passed.",
                Double(result.missedRequests)
            )
        )
        families += tagCacheFamilies(tagSnapshot, kinds: kinds, now: scrapeTime)
        return families
    }

    /// What this scrape did per rule, for the status board.
    private func reports(
        _ result: (rules: [ScrapeAccumulator.RuleState], failed: Bool, missedRequests: Int),
        at scrapeTime: Date
    ) -> [RuleReport] {
        zip(matchers, result.rules).map { matcher, state in
            let rule = matcher.rule
            let statistics = (rule.statistics ?? []) + (rule.extendedStatistics ?? [])
            let series = state.sets.values.reduce(0) { total, data in
                total + statistics.filter { data.values[$0] != nil }.count
            }
            let loadBalancers = state.sets.values.compactMap { data in
                data.dimensions.first { $0.name == "LoadBalancerName" || $0.name == "LoadBalancer" }?.value
            }
            return RuleReport(
                rule: rule,
                scrapeTime: scrapeTime,
                window: ScrapeWindow(now: scrapeTime, delaySeconds: rule.delaySeconds, rangeSeconds: rule.rangeSeconds),
                discovery: state.discovery,
                exported: state.sets.count,
                exportedSeries: series,
                storeAnswered: state.storeAnswered,
                failure: state.failure,
                failures: state.failures,
                deadlinePassed: result.missedRequests > 0,
                exportedLoadBalancers: Set(loadBalancers)
            )
        }
    }

    private func collectRules(
        at scrapeTime: Date,
        into accumulator: ScrapeAccumulator,
        limiter: AsyncLimiter,
        deadline: ContinuousClock.Instant?
    ) async {
        await withTaskGroup(of: Void.self) { group in
            for index in matchers.indices {
                group.addTask {
                    await self.collectRule(
                        index,
                        at: scrapeTime,
                        into: accumulator,
                        limiter: limiter,
                        deadline: deadline
                    )
                }
            }
        }
    }

    private func collectRule(
        _ index: Int,
        at scrapeTime: Date,
        into accumulator: ScrapeAccumulator,
        limiter: AsyncLimiter,
        deadline: ContinuousClock.Instant?
    ) async {
        let matcher = matchers[index]
        let rule = matcher.rule
        do {
            var resourceIds: [String] = []
            var taggedResourceIds: Set<String>?
            if let tagSelect = rule.tagSelect {
                let mappings = try await taggedResources(tagSelect, rule: rule, limiter: limiter, deadline: deadline)
                let pattern = arnPatterns[index]
                resourceIds = mappings.map { pattern?.firstNonEmptyGroup(in: $0.resourceARN) ?? "" }
                accumulator.storeTaggedResources(rule: index, mappings: mappings, resourceIds: resourceIds)
                if tagSelect.tagSelections != nil { taggedResourceIds = Set(resourceIds) }
            }
            let (sets, discovery) = try await dimensionSets(
                matcher,
                resourceIds: resourceIds,
                taggedResourceIds: taggedResourceIds,
                now: scrapeTime,
                limiter: limiter,
                deadline: deadline
            )
            accumulator.recordDiscovery(rule: index, discovery)
            let window = ScrapeWindow(now: scrapeTime, delaySeconds: rule.delaySeconds, rangeSeconds: rule.rangeSeconds)
            if rule.useGetMetricData {
                await fetchMetricData(
                    index,
                    sets: sets,
                    window: window,
                    at: scrapeTime,
                    into: accumulator,
                    limiter: limiter,
                    deadline: deadline
                )
            } else {
                await fetchStatistics(
                    index,
                    sets: sets,
                    window: window,
                    at: scrapeTime,
                    into: accumulator,
                    limiter: limiter,
                    deadline: deadline
                )
            }
            store.prune(rule: rule, keeping: Set(sets), window: window)
        } catch {
            recordFailure(error, rule: index, accumulator: accumulator)
            // Discovery failed (ListMetrics throttled, or past the deadline): the dimension sets the store knows keep
            // their datapoints while those are in the window. Not for aws_tag_select rules, whose sets depend on
            // the tags of the moment.
            guard rule.tagSelect == nil else { return }
            let window = ScrapeWindow(now: scrapeTime, delaySeconds: rule.delaySeconds, rangeSeconds: rule.rangeSeconds)
            let known = store.dimensionSets(rule: rule)
            fallBack(
                rule: index,
                sets: known.enumerated().map { (index: $0.offset, dimensions: $0.element) },
                window: window,
                into: accumulator
            )
        }
    }

    /// Counts and logs a failed AWS call of `rule`; a call abandoned at the deadline counts as missed instead.
    func recordFailure(_ error: any Error, rule index: Int, accumulator: ScrapeAccumulator) {
        let rule = matchers[index].rule
        if Task.isCancelled || error is CancellationError {
            accumulator.markFailed(missedRequest: true)
            return
        }
        let code = (error as? AWSError)?.code ?? String(describing: type(of: error))
        if let failure = RuleFailure(error, time: now()) { accumulator.recordFailure(rule: index, failure) }
        if (error as? AWSError)?.kind == .timeout {
            accumulator.markFailed(missedRequest: true)
        } else {
            accumulator.markFailed(missedRequest: false)
        }
        metrics.increment(.ruleErrors, [rule.awsNamespace, rule.awsMetricName, code])
        logger.warning(
            "CloudWatch scrape failed for a rule; its other series and the other rules are kept",
            metadata: [
                "rule.namespace": "\(rule.awsNamespace)", "rule.metric_name": "\(rule.awsMetricName)",
                "aws.error_code": "\(code)", "error": "\(error)",
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
