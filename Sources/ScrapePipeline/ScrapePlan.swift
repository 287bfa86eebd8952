public import ConfigFile

/// What a config asks every scrape to do, compiled once at start-up and on reload, never per scrape: each rule
/// expanded to the targets (region, credential source) it runs in, with its matchers, family name, `job` label
/// and statistics; and the targets, with the load balancer kinds whose tags each needs.
public struct ScrapePlan: Sendable {
    /// One rule in one target.
    public struct Rule: Sendable {
        /// The rule, with `region` and `roleARN` set to its target's (so the datapoint store, the ListMetrics cache
        /// and the status board keep each target's entries apart).
        public let rule: MetricRule
        /// Where its AWS calls go.
        public let target: AWSTarget
        /// The rule as the datapoint store's key, hashed once.
        let key: RuleKey
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

        /// The label of a dimension of this rule's series.
        func label(ofDimension name: String) -> String {
            dimensionLabels[name] ?? MetricNaming.dimensionLabel(name)
        }
    }

    /// The rules in config order, each followed by its other targets (regions vary slowest).
    public let rules: [Rule]
    /// Every target, each once, in config order.
    public let targets: [AWSTarget]
    /// Per target, the load balancer APIs whose tags its rules need (ELB namespaces with tag labels on).
    public let loadBalancerKinds: [AWSTarget: Set<LoadBalancerAPIKind>]
    /// Whether samples carry `region` and `account_id`; set when the targets span more than one of each.
    public let labelsRegion: Bool
    public let labelsAccount: Bool

    /// Compiles `config`.
    /// - Parameter resolvedRegion: The region a target without one resolves to (the environment's), so that
    ///   `region: us-east-1` next to a default region of us-east-1 counts as one region.
    /// - Throws: When a regex of the config does not compile (the config loader rejects those first).
    public init(config: ExporterConfig, resolvedRegion: (AWSTarget) -> String? = { $0.region }) throws {
        var rules: [Rule] = []
        var kinds: [AWSTarget: Set<LoadBalancerAPIKind>] = [:]
        for configRule in config.rules {
            let matcher = try RuleMatcher(rule: configRule)
            let arnPattern = try configRule.tagSelect.map {
                try CompiledPattern($0.arnResourceIdRegexp, anchored: false)
            }
            for target in config.targets(of: configRule) {
                var rule = configRule
                rule.region = target.region
                rule.roleARN = target.roleARN
                rules.append(
                    Rule(
                        rule: rule,
                        target: target,
                        key: RuleKey(rule),
                        matcher: matcher,
                        arnPattern: arnPattern,
                        baseName: MetricNaming.baseName(for: rule),
                        job: MetricNaming.jobLabel(namespace: rule.awsNamespace),
                        statistics: (rule.statistics ?? []) + (rule.extendedStatistics ?? []),
                        dimensionLabels: Dictionary(
                            (rule.awsDimensions ?? []).map { ($0, MetricNaming.dimensionLabel($0)) },
                            uniquingKeysWith: { first, _ in first }
                        )
                    )
                )
                if rule.tagLabels.enabled, let kind = LoadBalancerTagSnapshot.kindOfAPI(namespace: rule.awsNamespace) {
                    kinds[target, default: []].insert(kind)
                }
            }
        }
        self.rules = rules
        self.targets = config.targets
        self.loadBalancerKinds = kinds
        self.labelsRegion = Set(targets.map { resolvedRegion($0) ?? "" }).count > 1
        // Roles of one account are one account; the default credentials' account is only known by asking STS, so
        // next to any role it counts as another one.
        self.labelsAccount = Set(targets.map { $0.accountFromRole ?? "default credentials" }).count > 1
    }

    /// Every load balancer API any target needs.
    public var allLoadBalancerKinds: Set<LoadBalancerAPIKind> {
        loadBalancerKinds.values.reduce(into: []) { $0.formUnion($1) }
    }
}
