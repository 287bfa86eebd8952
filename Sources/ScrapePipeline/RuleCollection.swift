import AWSCore
import AWSServices
import ConfigFile
import FoundationEssentials
import Logging
import ScrapeStatus
import Telemetry

/// One planned rule in one scrape, top to bottom: discovery, the datapoint store's answers, a fetch of the rest
/// with the rule's strategy, and the rule's result as a value. A failed call fails only its part of the rule.
struct RuleCollection {
    let context: RuleContext
    let store: DatapointStore
    let listMetricsCache: ListMetricsCache?
    let listMetricsCacheTTL: Int
    let scrapeTime: Date
    /// Stamps the rule's failures (the wall clock).
    let now: @Sendable () -> Date
    /// Told when the store does not answer the rule whole, before anything is fetched: what was built from the
    /// store's last answer is let go of then, not held through the fetch.
    var willFetch: @Sendable () -> Void = {}
    /// The collection's sets new to their rules, shared between rules (see ``DimensionSetInterner``).
    var interner: DimensionSetInterner?

    func run() async -> RuleResult {
        var result = RuleResult()
        let round = StoreRound(store: store, planned: context.planned, scrapeTime: scrapeTime)
        let found: DimensionDiscovery.Found
        do {
            found = try await DimensionDiscovery(
                context: context,
                cache: listMetricsCache,
                cacheTTLSeconds: listMetricsCacheTTL,
                now: scrapeTime,
                previousListing: store.listedSets(rule: context.planned.id),
                interner: interner
            ).run()
        } catch {
            record(error, in: &result)
            // Discovery failed (ListMetrics throttled, or past the deadline): the sets the store knows keep their
            // datapoints while those are in the window.
            result.sets = round.lastKnown()
            return result
        }
        result.discovery = found.discovery
        result.taggedResources = found.taggedResources
        let read = round.read(found.sets)
        let statistics = context.planned.statistics
        if context.planned.rule.useGetMetricData {
            guard !statistics.isEmpty else { return result }
            let fetcher = MetricDataFetcher(context: context, range: round.range)
            await collect(read, listed: found.sets.count, with: fetcher, round: round, into: &result)
        } else {
            let fetcher = StatisticsFetcher(context: context, range: round.range)
            await collect(read, listed: found.sets.count, with: fetcher, round: round, into: &result)
        }
        round.prune()
        return result
    }

    /// The rule's sets: as the store answered them when it covers every set (the same answer, under the same
    /// version, while nothing changed), else the store's answers with the rest fetched.
    private func collect<Fetcher: DatapointFetcher>(
        _ read: StoreRound.Read,
        listed: Int,
        with fetcher: Fetcher,
        round: StoreRound,
        into result: inout RuleResult
    ) async {
        countStoreAnswers(read.answeredCount, of: listed, pending: read.pending.count, fetcher, in: &result)
        if let covered = read.covered {
            result.sets = covered.exported
            result.setsVersion = covered.version
            return
        }
        willFetch()
        var exported = [DimensionSetData?](repeating: nil, count: listed)
        for (index, data) in read.answered { exported[index] = data }
        await fetch(read.pending, with: fetcher, round: round, listing: read.listing, into: &exported, result: &result)
        result.sets = exported.compactMap { $0 }
    }

    /// Sends every request of `fetcher` at once (each takes a slot of the bound), and settles each set as soon as
    /// all its answers are in.
    private func fetch<Fetcher: DatapointFetcher>(
        _ pending: [PendingSet],
        with fetcher: Fetcher,
        round: StoreRound,
        listing: UInt64,
        into exported: inout [DimensionSetData?],
        result: inout RuleResult
    ) async {
        guard !pending.isEmpty else { return }
        let rule = context.planned.rule
        var failedQueries: [MetricDataResult] = []
        var fetchedSets = 0
        await withTaskGroup(of: FetchStep.self) { group in
            for request in fetcher.requests(for: pending) {
                group.addTask { await fetcher.fetch(request) }
            }
            var partial: [Int: SetPart] = [:]
            for await step in group {
                if let error = step.error { record(error, in: &result) }
                failedQueries += step.failedQueries
                fetchedSets += step.fetchedSets
                var complete: [SetPart] = []
                for part in step.parts {
                    var merged = part
                    if let earlier = partial.removeValue(forKey: part.index) {
                        merged = earlier
                        merged.merge(part)
                    }
                    if merged.answered + merged.failed >= fetcher.answersPerSet {
                        complete.append(merged)
                    } else {
                        partial[part.index] = merged
                    }
                }
                for (index, data) in round.settle(complete, listing: listing) where exported.indices.contains(index) {
                    exported[index] = data
                }
            }
        }
        let missed = rule.useGetMetricData ? pending.count : fetchedSets
        context.metrics.storeMissed(namespace: rule.awsNamespace, metricName: rule.awsMetricName, sets: missed)
        if let first = failedQueries.first {
            record(
                AWSError(
                    kind: .service,
                    service: "cloudwatch",
                    operation: "GetMetricData",
                    code: "StatusCode\(first.statusCode)",
                    message: "\(failedQueries.count) queries answered \(first.statusCode): "
                        + first.messages.joined(separator: "; ")
                ),
                in: &result
            )
        }
    }

    /// Counts the sets the store answered, and the requests and billed metrics a fresh fetch would have cost.
    private func countStoreAnswers<Fetcher: DatapointFetcher>(
        _ answered: Int,
        of total: Int,
        pending: Int,
        _ fetcher: Fetcher,
        in result: inout RuleResult
    ) {
        guard answered > 0 else { return }
        let rule = context.planned.rule
        let fresh = fetcher.cost(ofSets: total)
        let actual = fetcher.cost(ofSets: pending)
        context.metrics.storeAnswered(
            namespace: rule.awsNamespace,
            metricName: rule.awsMetricName,
            sets: answered,
            action: fetcher.action,
            savedRequests: max(0, fresh.requests - actual.requests),
            savedMetrics: answered * max(1, fetcher.answersPerSet)
        )
        result.storeAnswered += answered
    }

    /// Counts and logs a failed call of the rule; a call abandoned at the deadline counts as missed too, and a
    /// cancelled one (the scrape cut short) only as missed.
    private func record(_ error: any Error, in result: inout RuleResult) {
        let abandoned = (error as? AWSError)?.isAbandoned ?? false
        if error is CancellationError || (error as? AWSError)?.kind == .cancelled || Task.isCancelled {
            result.missedRequests += 1
            return
        }
        if abandoned { result.missedRequests += 1 }
        let rule = context.planned.rule
        let code = (error as? AWSError)?.code ?? String(describing: type(of: error))
        result.record(RuleFailure(error, time: now()))
        context.metrics.ruleError(namespace: rule.awsNamespace, metricName: rule.awsMetricName, code: code)
        context.logger.warning(
            "CloudWatch scrape failed for a rule; its other series and the other rules are kept",
            metadata: [
                "rule.namespace": "\(rule.awsNamespace)", "rule.metric_name": "\(rule.awsMetricName)",
                "aws.region": "\(context.region)", "aws.error_code": "\(code)", "error": "\(error)",
            ]
        )
    }
}
