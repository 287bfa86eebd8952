public import ConfigFile
import ResourceTags

/// One rule of the config in one target, compiled once per config: what every scrape needs to run it and to name
/// its series, so that no scrape derives any of it again.
public struct PlannedRule: Sendable {
    /// The rule's one key (the datapoint store, the ListMetrics cache, sample labels, the status board).
    public let id: RuleID
    /// Where its AWS calls go.
    public let target: AWSTarget
    /// The dimension filters.
    let matcher: RuleMatcher
    /// `aws_tag_select.arn_resource_id_regexp`, compiled.
    let arnPattern: CompiledPattern?
    /// The family name without the statistic suffix.
    let baseName: String
    /// The `job` label.
    let job: String
    /// `aws_statistics` then `aws_extended_statistics`, as requested.
    let statistics: [String]
    /// The label name of each of `aws_dimensions` (snake case, sanitised), so samples do not derive it again.
    let dimensionLabels: [String: String]
    /// The ListMetrics cache's key: as upstream, two rules differing only in `warn_on_empty_list_dimensions` share
    /// an entry.
    let listMetricsCacheID: RuleID
    /// The parts of the load balancer APIs whose tags label this rule's series (tag labels on, an ELB namespace):
    /// its load balancers, and its target groups when its series have a `TargetGroup` dimension.
    let loadBalancerKinds: Set<LoadBalancerAPIKind>

    /// The rule, with `region` and `roleARN` set to its target's.
    public var rule: MetricRule { id.rule }

    /// Compiles `configRule` for `target`.
    init(_ configRule: MetricRule, target: AWSTarget, matcher: RuleMatcher, arnPattern: CompiledPattern?) {
        var rule = configRule
        rule.region = target.region
        rule.roleARN = target.roleARN
        self.id = RuleID(rule)
        self.target = target
        self.matcher = matcher
        self.arnPattern = arnPattern
        self.baseName = MetricNaming.baseName(for: rule)
        self.job = MetricNaming.jobLabel(namespace: rule.awsNamespace)
        self.statistics = (rule.statistics ?? []) + (rule.extendedStatistics ?? [])
        self.dimensionLabels = Dictionary(
            (rule.awsDimensions ?? []).map { ($0, MetricNaming.dimensionLabel($0)) },
            uniquingKeysWith: { first, _ in first }
        )
        var cacheRule = rule
        cacheRule.warnOnEmptyListDimensions = false
        self.listMetricsCacheID = RuleID(cacheRule)
        var kinds: Set<LoadBalancerAPIKind> = []
        if rule.tagLabels.enabled, let kind = LoadBalancerTagSnapshot.kindOfAPI(namespace: rule.awsNamespace) {
            kinds.insert(kind)
            if kind == .v2, rule.awsDimensions?.contains("TargetGroup") == true { kinds.insert(.targetGroups) }
        }
        self.loadBalancerKinds = kinds
    }

    /// The label of a dimension of this rule's series.
    func label(ofDimension name: String) -> String {
        dimensionLabels[name] ?? MetricNaming.dimensionLabel(name)
    }
}
