import AWSCore
import AWSServices
import ConfigFile
import Foundation
import Logging

extension CloudWatchCollector {
    /// The dimension sets of a rule: the permutation shortcut, the single empty set when `aws_dimensions` is
    /// absent, or ListMetrics (all pages, exact dimension count, filters), served from the cache when enabled; with
    /// how many results each filter kept.
    func dimensionSets(
        _ run: RuleRun,
        resourceIds: [String],
        taggedResourceIds: Set<String>?,
        now: Date,
        deadline: ContinuousClock.Instant?
    ) async throws -> (sets: [[MetricDimension]], discovery: RuleDiscovery) {
        let matcher = run.planned.matcher
        if let permutations = matcher.permutations() {
            return (permutations, .fixed(.dimensionSelect, sets: permutations.count))
        }
        let rule = run.rule
        guard let dimensionNames = rule.awsDimensions else { return ([[]], .fixed(.noDimensions, sets: 1)) }
        if config.listMetricsCacheEnabled,
            let cached = listMetricsCache.lookup(rule: rule, resourceIds: resourceIds, now: now)
        {
            return (cached, .fixed(.listMetricsCache, sets: cached.count))
        }
        var sets: [[MetricDimension]] = []
        var tally = RuleDiscovery.Tally()
        // A dimension set listed twice (moto does this) would be requested, and billed, twice.
        var seen: Set<[MetricDimension]> = []
        let ending = try await Paginator().forEachPage { token in
            let input = ListMetricsInput(
                namespace: rule.awsNamespace,
                metricName: rule.awsMetricName,
                dimensions: dimensionNames.map { DimensionFilter(name: $0, value: nil) },
                // CloudWatch only accepts PT3H; cloudwatch_exporter asks for it when the window is shorter.
                recentlyActive: rule.rangeSeconds < 10_800,
                nextToken: token
            )
            let page = try await run.limiter.withSlot {
                try await run.apis.cloudWatch.listMetrics(input, deadline: deadline)
            }
            metrics.increment(.cloudWatchRequests, ["listMetrics", rule.awsNamespace])
            return (page, page.nextToken)
        } consume: { page in
            for dimensions in page.metrics.map(\.dimensions) where seen.insert(dimensions).inserted {
                let rejection = matcher.rejection(of: dimensions, taggedResourceIds: taggedResourceIds)
                tally.count(rejection)
                if rejection == nil { sets.append(dimensions) }
            }
        }
        warnIfIncomplete(ending, operation: "ListMetrics", rule: rule)
        if sets.isEmpty, rule.warnOnEmptyListDimensions {
            logger.warning(
                "(listDimensions) ignoring metric \(rule.awsNamespace):\(rule.awsMetricName) due to dimensions mismatch"
            )
        }
        if config.listMetricsCacheEnabled {
            listMetricsCache.store(
                sets,
                rule: rule,
                resourceIds: resourceIds,
                ttlSeconds: rule.listMetricsCacheTTL ?? config.globalListMetricsCacheTTL,
                now: now
            )
        }
        return (sets, tally.discovery)
    }

    /// Logs a paginated call that ended before its last page (page cap or a repeated token): its series may be
    /// incomplete, and nothing else would say so.
    func warnIfIncomplete(_ ending: Paginator.Ending, operation: String, rule: MetricRule) {
        guard ending != .complete else { return }
        logger.warning(
            "AWS pagination stopped early; some series of the rule may be missing",
            metadata: [
                "aws.operation": "\(operation)", "pagination.ending": "\(ending)",
                "rule.namespace": "\(rule.awsNamespace)", "rule.metric_name": "\(rule.awsMetricName)",
            ]
        )
    }
}
