public import AWSServices
public import ConfigFile
public import FoundationEssentials
public import Logging
public import ResourceTags
public import Telemetry

/// What a config asks every scrape to do, compiled once at start-up and on reload, never per scrape: each rule
/// expanded to the targets (region, credential source) it runs in, with its matchers, family name, `job` label
/// and statistics; and the targets, with the load balancer kinds whose tags each needs.
public struct ScrapePlan: Sendable {
    /// The rules in config order, each followed by its other targets (regions vary slowest).
    public let rules: [PlannedRule]
    /// Every target, each once, in config order.
    public let targets: [AWSTarget]
    /// Per target, the load balancer APIs whose tags its rules need (ELB namespaces with tag labels on).
    public let loadBalancerKinds: [AWSTarget: Set<LoadBalancerAPIKind>]
    /// Whether samples carry `region`; set when the targets span more than one.
    public let labelsRegion: Bool
    /// Whether samples carry `account_id`; set when the targets span more than one account.
    public let labelsAccount: Bool

    /// Compiles `config`.
    /// - Parameter resolvedRegion: The region a target without one resolves to (the environment's), so that
    ///   `region: us-east-1` next to a default region of us-east-1 counts as one region.
    /// - Throws: When a regex of the config does not compile (the config loader rejects those first).
    public init(config: ExporterConfig, resolvedRegion: (AWSTarget) -> String? = { $0.region }) throws {
        var rules: [PlannedRule] = []
        var kinds: [AWSTarget: Set<LoadBalancerAPIKind>] = [:]
        for configRule in config.rules {
            let matcher = try RuleMatcher(rule: configRule)
            let arnPattern = try configRule.tagSelect.map {
                try CompiledPattern($0.arnResourceIdRegexp, anchored: false)
            }
            for target in config.targets(of: configRule) {
                let planned = PlannedRule(configRule, target: target, matcher: matcher, arnPattern: arnPattern)
                rules.append(planned)
                if !planned.loadBalancerKinds.isEmpty {
                    kinds[target, default: []].formUnion(planned.loadBalancerKinds)
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

    /// A new tag cache for `target`, refreshing the load balancer kinds the plan needs there with `apis`, seeded
    /// with `initial` (a reload keeps the tags known so far).
    public func tagCache(
        for target: AWSTarget,
        config: ExporterConfig,
        apis: AWSAPIs,
        initial: LoadBalancerTagSnapshot = LoadBalancerTagSnapshot(),
        metrics: SelfMetrics,
        now: @escaping @Sendable () -> Date = Date.init,
        logger: Logger
    ) -> LoadBalancerTagCache {
        // DNS names are kept only for the Kubernetes API source; a reload that turns it on cannot start from tags
        // kept without them.
        let keepsDNSNames = config.kubernetes.enabled
        return LoadBalancerTagCache(
            kinds: loadBalancerKinds[target] ?? [],
            classic: apis.elb,
            v2: apis.elbv2,
            timeToLive: TimeInterval(config.tagLabels.cacheTTLSeconds),
            concurrency: config.maxConcurrentRequestsPerRegion ?? config.maxConcurrentRequests,
            initial: keepsDNSNames && initial.lacksDNSNames ? LoadBalancerTagSnapshot() : initial,
            keepsDNSNames: keepsDNSNames,
            metrics: metrics,
            now: now,
            logger: logger
        )
    }
}
