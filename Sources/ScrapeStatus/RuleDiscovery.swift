/// How a rule's dimension sets were found in one scrape, and how many each filter kept: what the status page uses
/// to say why a rule has no series.
public struct RuleDiscovery: Sendable, Equatable {
    /// Where the dimension sets came from.
    public enum Source: String, Sendable {
        /// A ListMetrics call (all pages) in this scrape.
        case listMetrics
        /// The ListMetrics cache (`list_metrics_cache_ttl`); the counts are those of the call that filled it.
        case listMetricsCache
        /// The `aws_dimension_select` permutations, without ListMetrics.
        case dimensionSelect
        /// The rule has no `aws_dimensions`: one set without dimensions.
        case noDimensions
    }

    /// Where the sets came from.
    public var source: Source
    /// Distinct metrics ListMetrics returned (for the rule's metric, with at least the rule's dimensions).
    public var listed: Int
    /// Of those, the ones with exactly the rule's dimensions.
    public var exactDimensions: Int
    /// Of those, the ones `aws_dimension_select` kept.
    public var afterSelect: Int
    /// Of those, the ones `aws_dimension_select_regex` kept.
    public var afterRegex: Int
    /// The sets requested: what `aws_tag_select` kept of those.
    public var kept: Int

    /// Creates counts; for the sources without ListMetrics every count is the number of sets.
    public init(source: Source, listed: Int, exactDimensions: Int, afterSelect: Int, afterRegex: Int, kept: Int) {
        self.source = source
        self.listed = listed
        self.exactDimensions = exactDimensions
        self.afterSelect = afterSelect
        self.afterRegex = afterRegex
        self.kept = kept
    }

    /// Counts for sets that did not come from ListMetrics.
    public static func fixed(_ source: Source, sets: Int) -> RuleDiscovery {
        RuleDiscovery(
            source: source,
            listed: sets,
            exactDimensions: sets,
            afterSelect: sets,
            afterRegex: sets,
            kept: sets
        )
    }
}
