import AWSCore
import AWSServices
import ConfigFile
import FoundationEssentials
import Logging
import ScrapeStatus
import Telemetry

/// Finds a rule's dimension sets in one scrape: the `aws_dimension_select` permutations, the one empty set of a
/// rule without `aws_dimensions`, or ListMetrics (every page, exact dimension count, the filters), served from the
/// ListMetrics cache when it is on; for `aws_tag_select` rules, first the tagged resources (GetResources).
struct DimensionDiscovery {
    /// What discovery found.
    struct Found: Sendable {
        var sets: [[MetricDimension]]
        var discovery: RuleDiscovery
        var taggedResources: [(mapping: ResourceTagMapping, id: String)] = []
    }

    let context: RuleContext
    /// The ListMetrics cache, when `list_metrics_cache_ttl` turns it on.
    let cache: ListMetricsCache?
    /// The cache entries' TTL (the rule's, else the global one).
    let cacheTTLSeconds: Int
    /// The scrape's wall-clock time.
    let now: Date
    /// The sets the rule's previous listing kept (the datapoint store's alignment): equal sets of this listing are
    /// those arrays, not new copies.
    var previousListing: [[MetricDimension]] = []
    /// Where sets new to the rule take the array another rule of the collection keeps for them.
    var interner: DimensionSetInterner?

    func run() async throws -> Found {
        let planned = context.planned
        let rule = planned.rule
        var tagged: [(mapping: ResourceTagMapping, id: String)] = []
        var taggedResourceIds: Set<String>?
        if let tagSelect = rule.tagSelect {
            let mappings = try await taggedResources(tagSelect)
            tagged = mappings.map { ($0, planned.arnPattern?.firstNonEmptyGroup(in: $0.resourceARN) ?? "") }
            if tagSelect.tagSelections != nil { taggedResourceIds = Set(tagged.map(\.id)) }
        }
        if let permutations = planned.matcher.permutations() {
            return Found(sets: permutations, discovery: .fixed(.dimensionSelect, sets: permutations.count))
        }
        guard let dimensionNames = rule.awsDimensions else {
            return Found(sets: [[]], discovery: .fixed(.noDimensions, sets: 1), taggedResources: tagged)
        }
        let resourceIds = tagged.map(\.id)
        if let cache, let cached = cache.lookup(planned.listMetricsCacheID, resourceIds: resourceIds, now: now) {
            return Found(
                sets: cached,
                discovery: .fixed(.listMetricsCache, sets: cached.count),
                taggedResources: tagged
            )
        }
        let (sets, discovery) = try await listMetrics(dimensionNames, taggedResourceIds: taggedResourceIds)
        if sets.isEmpty, rule.warnOnEmptyListDimensions {
            context.logger.warning(
                "(listDimensions) ignoring metric \(rule.awsNamespace):\(rule.awsMetricName) due to dimensions mismatch"
            )
        }
        cache?.store(
            sets,
            for: planned.listMetricsCacheID,
            resourceIds: resourceIds,
            ttlSeconds: cacheTTLSeconds,
            now: now
        )
        return Found(sets: sets, discovery: discovery, taggedResources: tagged)
    }

    /// ListMetrics, every page, each result counted by the filter that dropped it.
    private func listMetrics(
        _ dimensionNames: [String],
        taggedResourceIds: Set<String>?
    ) async throws -> ([[MetricDimension]], RuleDiscovery) {
        let rule = context.planned.rule
        let matcher = context.planned.matcher
        let context = self.context
        var sets: [[MetricDimension]] = []
        var tally = Tally()
        // A dimension set listed twice (moto does this) would be requested, and billed, twice.
        let interner = self.interner
        var previous = PreviousListing(previousListing, newSet: { interner?.canonical($0) ?? $0 })
        // The pages' own strings are let go of together, when the listing is done: freed page by page, between the
        // next pages' allocations, they made glibc consolidate its small-chunk bins again and again (profiled:
        // malloc_consolidate from 2 % to 9 % of a 100,000-series scrape answered from the store).
        var decodedPages: [[CloudWatchMetric]] = []
        // The pages decode the sets they share with the previous listing as its arrays: a listing that did not
        // change allocates no strings.
        let knownSets = previousListing.isEmpty ? nil : KnownDimensionSets(previousListing)
        try await context.forEachPage("ListMetrics") { token in
            let input = ListMetricsInput(
                namespace: rule.awsNamespace,
                metricName: rule.awsMetricName,
                dimensions: dimensionNames.map { DimensionFilter(name: $0, value: nil) },
                // CloudWatch only accepts PT3H; cloudwatch_exporter asks for it when the window is shorter.
                recentlyActive: rule.rangeSeconds < 10_800,
                nextToken: token
            )
            let page = try await context.apis.cloudWatch.listMetrics(
                input,
                deadline: context.deadline,
                knownSets: knownSets
            )
            return (page, page.nextToken)
        } consume: { page in
            context.metrics.cloudWatchRequest(.listMetrics, namespace: rule.awsNamespace)
            decodedPages.append(page.metrics)
            for metric in page.metrics {
                guard let dimensions = previous.admit(metric.dimensions) else { continue }
                let rejection = matcher.rejection(of: dimensions, taggedResourceIds: taggedResourceIds)
                tally.count(rejection)
                if rejection == nil { sets.append(dimensions) }
            }
        }
        withExtendedLifetime(decodedPages) {}
        return (sets, tally.discovery)
    }

    /// Every page of GetResources for an `aws_tag_select` rule.
    private func taggedResources(_ tagSelect: TagSelect) async throws -> [ResourceTagMapping] {
        let context = self.context
        let filters = (tagSelect.tagSelections ?? []).map { TagFilter(key: $0.key, values: $0.values) }
        var mappings: [ResourceTagMapping] = []
        try await context.forEachPage("GetResources") { token in
            let input = GetResourcesInput(
                resourceTypeFilters: [tagSelect.resourceTypeSelection],
                tagFilters: filters,
                paginationToken: token,
                resourcesPerPage: 100
            )
            let page = try await context.apis.tagging.getResources(input, deadline: context.deadline)
            return (page, page.paginationToken)
        } consume: { page in
            context.metrics.taggingRequest(resourceType: tagSelect.resourceTypeSelection)
            mappings += page.mappings
        }
        return mappings
    }

    /// Counts the results of ListMetrics filter by filter.
    private struct Tally {
        var listed = 0
        var rejected: [RuleMatcher.Rejection: Int] = [:]

        mutating func count(_ rejection: RuleMatcher.Rejection?) {
            listed += 1
            if let rejection { rejected[rejection, default: 0] += 1 }
        }

        var discovery: RuleDiscovery {
            let exact = listed - rejected[.dimensionCount, default: 0]
            let afterSelect = exact - rejected[.dimensionSelect, default: 0]
            let afterRegex = afterSelect - rejected[.dimensionSelectRegex, default: 0]
            let kept = afterRegex - rejected[.tagSelect, default: 0]
            return RuleDiscovery(
                source: .listMetrics,
                listed: listed,
                exactDimensions: exact,
                afterSelect: afterSelect,
                afterRegex: afterRegex,
                kept: kept
            )
        }
    }
}
