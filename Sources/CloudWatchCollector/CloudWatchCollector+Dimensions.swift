import AWSClient
import ExporterConfig
import Foundation
import Logging

extension CloudWatchCollector {
    /// The dimension sets of a rule: the permutation shortcut, the single empty set when `aws_dimensions` is
    /// absent, or ListMetrics (all pages, exact dimension count, filters), served from the cache when enabled.
    func dimensionSets(
        _ matcher: RuleMatcher,
        resourceIds: [String],
        taggedResourceIds: Set<String>?,
        now: Date,
        limiter: AsyncLimiter,
        deadline: ContinuousClock.Instant?
    ) async throws -> [[MetricDimension]] {
        if let permutations = matcher.permutations() { return permutations }
        let rule = matcher.rule
        guard let dimensionNames = rule.awsDimensions else { return [[]] }
        if config.listMetricsCacheEnabled,
            let cached = listMetricsCache.lookup(rule: rule, resourceIds: resourceIds, now: now)
        {
            return cached
        }
        var sets: [[MetricDimension]] = []
        // A dimension set listed twice (moto does this) would be requested, and billed, twice.
        var seen: Set<[MetricDimension]> = []
        var nextToken: String?
        var pages = 0
        repeat {
            let input = ListMetricsInput(
                namespace: rule.awsNamespace,
                metricName: rule.awsMetricName,
                dimensions: dimensionNames.map { DimensionFilter(name: $0, value: nil) },
                // CloudWatch only accepts PT3H; cloudwatch_exporter asks for it when the window is shorter.
                recentlyActive: rule.rangeSeconds < 10_800,
                nextToken: nextToken
            )
            let page = try await limiter.withSlot {
                try await apis.cloudWatch.listMetrics(input, deadline: deadline)
            }
            metrics.increment(.cloudWatchRequests, ["listMetrics", rule.awsNamespace])
            for dimensions in page.metrics.map(\.dimensions)
            where matcher.accepts(dimensions, taggedResourceIds: taggedResourceIds) && seen.insert(dimensions).inserted
            {
                sets.append(dimensions)
            }
            nextToken = page.nextToken
            pages += 1
        } while nextToken != nil && pages < Self.maximumPages
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
        return sets
    }

    /// A bound on pages of any paginated call, so a service that keeps returning tokens cannot loop forever.
    static let maximumPages = 10_000
}
