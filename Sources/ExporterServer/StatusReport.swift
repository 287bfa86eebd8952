import AWSServices
public import ConfigFile
public import FoundationEssentials
import KubernetesAPI
import ResourceTags
public import ScrapePipeline
import ScrapeStatus
import Telemetry

/// Everything the status page shows, computed from the state at one moment: the rules and why they export
/// nothing, the load balancers and their Kubernetes labels, the AWS usage, and the process. The HTML and JSON forms
/// render this one value, so they always agree.
public struct StatusReport: Sendable {
    /// The process and its config.
    public struct Process: Sendable {
        public var version: String
        public var revision: String
        public var configFile: String
        public var started: Date
        public var lastConfigLoad: ConfigLoadRecord
        public var region: String
        public var credentialSource: String
        /// When each load balancer API's tags were last refreshed, by service (`elb`, `elbv2`).
        public var tagsRefreshed: [(service: String, time: Date?)]
    }

    /// One config rule.
    public struct Rule: Sendable {
        public var rule: MetricRule
        /// `NAMESPACE/METRIC`, the rule's name on the page.
        public var name: String
        public var lastScrape: Date?
        public var window: ScrapeWindow?
        /// How the sets were found; for a ListMetrics cache hit, the counts of the call that filled it.
        public var discovery: RuleDiscovery?
        /// Dimension sets with a datapoint in the window.
        public var withData: Int
        /// Series exported (one per dimension set and statistic).
        public var exported: Int
        public var storeAnswered: Int
        public var lastFailure: RuleFailure?
        public var whyNoData: [String]
        /// Where it runs, when the config has several regions or accounts.
        public var target: AWSTarget?
    }

    /// One load balancer of the tag cache.
    public struct LoadBalancer: Sendable {
        /// The CloudWatch dimension value: the name (classic), `app/NAME/ID` or `net/NAME/ID`.
        public var name: String
        public var kind: String
        public var namespace: String?
        public var service: String?
        public var ingress: String?
        public var cluster: String?
        /// The labels its series get.
        public var labels: [(name: String, value: String)]
        /// The rules (`NAMESPACE/METRIC`) whose last scrape exported a series of it.
        public var rules: [String]
        public var whyNoData: [String]
        /// Its region and credential source, when the config has several.
        public var target: AWSTarget?
    }

    public var generated: Date
    public var process: Process
    public var rules: [Rule]
    public var loadBalancers: [LoadBalancer]
    /// Load balancer dimension values with exported series but no Kubernetes tags (or not in the tag cache).
    public var untaggedWithSeries: [String]
    /// The target groups of the tag cache (when rules have series with a `TargetGroup` dimension).
    public var targetGroups: [TargetGroup]
    /// Per Service, what fronts it.
    public var services: [ServiceFront]
    /// The Kubernetes API source, when on.
    public var kubernetes: KubernetesSource?
    public var usage: AWSUsage

    /// The tags that make a load balancer a Kubernetes one.
    static let kubernetesTagKeys = ["kubernetes.io/service-name", "service.k8s.aws/stack", "ingress.k8s.aws/stack"]

    /// Builds the report from the state in force.
    public static func make(state: ExporterState, now: Date = Date()) -> StatusReport {
        let runtime = state.current
        let collector = runtime.collector
        let config = runtime.config
        let plan = collector.plan
        let several = collector.services.count > 1
        let rules = plan.rules.map { planned in
            ruleStatus(
                planned.rule,
                status: collector.statusBoard.status(of: planned.id),
                target: several ? planned.target : nil
            )
        }
        var tagsRefreshed: [(service: String, time: Date?)] = []
        var records: [(record: LoadBalancerRecord, target: AWSTarget?)] = []
        var targetGroupSnapshots: [(snapshot: LoadBalancerTagSnapshot, target: AWSTarget?)] = []
        for service in collector.services {
            let kinds = plan.loadBalancerKinds[service.target] ?? []
            let snapshot = service.tagCache.snapshot
            let suffix = several ? " (\(service.target))" : ""
            if kinds.contains(.classic) { tagsRefreshed.append(("elb" + suffix, snapshot.classicRefreshedAt)) }
            if kinds.contains(.v2) { tagsRefreshed.append(("elbv2" + suffix, snapshot.v2RefreshedAt)) }
            if kinds.contains(.targetGroups) {
                tagsRefreshed.append(("elbv2 target groups" + suffix, snapshot.targetGroupsRefreshedAt))
                targetGroupSnapshots.append((snapshot, several ? service.target : nil))
            }
            if !kinds.isEmpty { records += snapshot.allRecords.map { ($0, several ? service.target : nil) } }
        }
        let identities = KubernetesIdentityResolver(
            kubernetes: collector.kubernetes?.snapshot,
            serviceLabels: config.kubernetes.serviceLabels
        )
        let clients = collector.services.compactMap { runtime.clients[$0.target] }
        let process = Process(
            version: BuildInfo.version,
            revision: BuildInfo.revision,
            configFile: state.configPath,
            started: state.startTime,
            lastConfigLoad: state.lastConfigLoad,
            region: unique(clients.map(\.region)).joined(separator: ", "),
            credentialSource: unique(clients.map(\.credentialSource)).joined(separator: ", "),
            tagsRefreshed: tagsRefreshed
        )
        let (loadBalancers, untagged) = loadBalancerStatus(
            records,
            rules: rules,
            config: config,
            board: collector.statusBoard,
            identities: identities
        )
        let targetGroups = targetGroupStatus(targetGroupSnapshots, identities: identities)
        return StatusReport(
            generated: now,
            process: process,
            rules: rules,
            loadBalancers: loadBalancers,
            untaggedWithSeries: untagged,
            targetGroups: targetGroups,
            services: serviceFronts(loadBalancers: loadBalancers, targetGroups: targetGroups),
            kubernetes: kubernetesSource(collector.kubernetes),
            usage: state.factory.metrics.usage()
        )
    }

    private static func unique(_ values: [String]) -> [String] {
        var seen: Set<String> = []
        return values.filter { seen.insert($0).inserted }
    }

    /// - Parameter target: Named after the rule when the config has several targets.
    private static func ruleStatus(_ rule: MetricRule, status: StatusBoard.RuleStatus?, target: AWSTarget?) -> Rule {
        let report = status?.last
        var discovery = report?.discovery
        if discovery?.source == .listMetricsCache, var counts = status?.lastListMetrics {
            counts.source = .listMetricsCache
            discovery = counts
        }
        return Rule(
            rule: rule,
            name: "\(rule.awsNamespace)/\(rule.awsMetricName)" + (target.map { " in \($0)" } ?? ""),
            lastScrape: report?.scrapeTime,
            window: report?.window,
            discovery: discovery,
            withData: report?.exported ?? 0,
            exported: report?.exportedSeries ?? 0,
            storeAnswered: report?.storeAnswered ?? 0,
            lastFailure: status?.lastFailure,
            whyNoData: NoDataExplainer.sentences(rule: rule, status: status),
            target: target
        )
    }

    private static func loadBalancerStatus(
        _ records: [(record: LoadBalancerRecord, target: AWSTarget?)],
        rules: [Rule],
        config: ExporterConfig,
        board: StatusBoard,
        identities: KubernetesIdentityResolver
    ) -> ([LoadBalancer], [String]) {
        let deriver = TagLabelDeriver(settings: config.tagLabels)
        let clusterLabel = config.tagLabels.clusterLabel
        // (Target, namespace) → load balancer dimension value → the rules whose last scrape exported it.
        struct Place: Hashable {
            var target: AWSTarget?
            var namespace: String
        }
        var exportedBy: [Place: [String: [String]]] = [:]
        for rule in rules {
            let place = Place(target: rule.target, namespace: rule.rule.awsNamespace)
            for value in board.status(of: RuleID(rule.rule))?.last.exportedLoadBalancers ?? [] {
                exportedBy[place, default: [:]][value, default: []].append(rule.name)
            }
        }
        let namespacesWithRules = Set(rules.map(\.rule.awsNamespace))
        var loadBalancers: [LoadBalancer] = []
        for (record, target) in records {
            // The labels its own series get: the Kubernetes API's Service over the tags'.
            let identity = identities.identity(ofLoadBalancer: record)
            let labels = deriver.labels(for: record.tags, identity: identity, serviceLabels: identities.serviceLabels)
            func label(_ name: String?) -> String? {
                guard let name else { return nil }
                return labels.first { $0.name == name }?.value
            }
            let namespace = namespaceOf(record.kind)
            let ruleNames = exportedBy[Place(target: target, namespace: namespace)]?[record.dimensionValue] ?? []
            var why: [String] = []
            let kubernetes = record.tags.contains { kubernetesTagKeys.contains($0.key) } || identity != nil
            if !kubernetes {
                why.append(
                    "no Kubernetes tags (kubernetes.io/service-name, service.k8s.aws/stack or ingress.k8s.aws/stack):"
                        + " its series carry no namespace and service labels"
                )
            }
            if ruleNames.isEmpty, namespacesWithRules.contains(namespace) {
                why.append("no rule of \(namespace) exported a series of it in the last scrape")
            }
            loadBalancers.append(
                LoadBalancer(
                    name: record.dimensionValue,
                    kind: record.kind.rawValue,
                    namespace: label("namespace"),
                    service: label("service"),
                    ingress: label("ingress"),
                    cluster: label(clusterLabel),
                    labels: labels,
                    rules: ruleNames.sorted(),
                    whyNoData: why,
                    target: target
                )
            )
        }
        let untaggedNames = Set(loadBalancers.filter { $0.namespace == nil }.map(\.name))
        let known = Set(loadBalancers.map(\.name))
        let exported = Set(exportedBy.values.flatMap(\.keys))
        let untagged = exported.filter { untaggedNames.contains($0) || !known.contains($0) }
        return (loadBalancers, untagged.sorted())
    }

    private static func namespaceOf(_ kind: LoadBalancerKind) -> String {
        switch kind {
        case .classic: "AWS/ELB"
        case .application: "AWS/ApplicationELB"
        case .network: "AWS/NetworkELB"
        case .gateway: "AWS/GatewayELB"
        }
    }
}
