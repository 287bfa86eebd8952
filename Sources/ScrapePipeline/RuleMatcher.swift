public import AWSServices
public import ConfigFile

/// A rule's dimension logic: the permutation shortcut and the filters that decide which ListMetrics results are
/// requested (`aws_dimension_select`, `aws_dimension_select_regex`, `aws_tag_select`), as in cloudwatch_exporter.
public struct RuleMatcher: Sendable {
    /// The rule.
    public let rule: MetricRule
    private let selectRegex: [String: [CompiledPattern]]?

    /// Compiles the rule's regexes.
    /// - Throws: When a regex does not compile (the config loader rejects those first).
    public init(rule: MetricRule) throws {
        self.rule = rule
        self.selectRegex = try rule.dimensionSelectRegex?.mapValues { patterns in
            try patterns.map { try CompiledPattern($0, anchored: true) }
        }
    }

    /// The dimension sets to request without calling ListMetrics, or `nil` when ListMetrics is needed.
    ///
    /// The shortcut applies when every entry of `aws_dimensions` has an `aws_dimension_select` list of the same
    /// size and there is no `aws_tag_select`; the cartesian product varies the first dimension slowest.
    public func permutations() -> [[MetricDimension]]? {
        guard let dimensions = rule.awsDimensions, !dimensions.isEmpty, let select = rule.dimensionSelect,
            select.count == dimensions.count, dimensions.allSatisfy({ select[$0] != nil }), rule.tagSelect == nil
        else { return nil }
        var sets: [[MetricDimension]] = [[]]
        for name in dimensions {
            let values = select[name] ?? []
            sets = sets.flatMap { prefix in values.map { prefix + [MetricDimension(name: name, value: $0)] } }
        }
        return sets
    }

    /// Why a ListMetrics result is not requested, in the order the filters apply.
    public enum Rejection: Sendable, Equatable {
        /// The result has more or fewer dimensions than `aws_dimensions` (upstream keeps exact matches only).
        case dimensionCount
        /// A value is not in the dimension's `aws_dimension_select` list.
        case dimensionSelect
        /// A value matches none of the dimension's `aws_dimension_select_regex` patterns.
        case dimensionSelectRegex
        /// The resource is not among those `aws_tag_select` found.
        case tagSelect
    }

    /// Whether a ListMetrics result is kept: exactly the configured number of dimensions and every filter passes.
    /// - Parameter taggedResourceIds: The resource ids from `aws_tag_select` when it has `tag_selections`.
    public func accepts(_ dimensions: [MetricDimension], taggedResourceIds: Set<String>?) -> Bool {
        rejection(of: dimensions, taggedResourceIds: taggedResourceIds) == nil
    }

    /// The first filter that drops a ListMetrics result, or `nil` when it is kept.
    public func rejection(of dimensions: [MetricDimension], taggedResourceIds: Set<String>?) -> Rejection? {
        guard dimensions.count == (rule.awsDimensions?.count ?? 0) else { return .dimensionCount }
        for dimension in dimensions {
            if let allowed = rule.dimensionSelect?[dimension.name], !allowed.contains(dimension.value) {
                return .dimensionSelect
            }
        }
        for dimension in dimensions {
            if let patterns = selectRegex?[dimension.name], !patterns.contains(where: { $0.matches(dimension.value) }) {
                return .dimensionSelectRegex
            }
        }
        if let taggedResourceIds, let idDimension = rule.tagSelect?.resourceIdDimension,
            let value = dimensions.first(where: { $0.name == idDimension })?.value,
            !taggedResourceIds.contains(value)
        {
            return .tagSelect
        }
        return nil
    }
}
