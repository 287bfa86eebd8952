import ConfigFile
import Exposition
import KubernetesAPI
import Logging
import ResourceTags
import Synchronization

/// What family building keeps from one scrape to the next — each rule's derived sample labels, each rule's families
/// while the datapoint store answers its sets whole, `aws_elb_tags` and `aws_elb_target_group_info` while what they
/// come from is unchanged, the tag label clashes already warned of — and
/// the one place a scrape's families are built (``FamilyBuilder``, pure, over these caches).
final class FamilyCaches: Sendable {
    /// Each rule's derived sample labels (internal for memory checks in tests).
    let labels = SampleLabelMemo()
    private let ruleFamilies = RuleFamiliesMemo()
    private let elbTags = FamilyMemo()
    private let targetGroupInfo = FamilyMemo()
    private let warnedClashes = Mutex<Set<FamilyBuilder.Clash>>([])
    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    /// Lets go of the families kept for `rule`, whose sets are about to be fetched again.
    func forgetFamilies(of rule: RuleID) { ruleFamilies.forget(rule: rule) }

    /// Rules with families kept (for memory checks in tests).
    var keptRuleFamilies: Int { ruleFamilies.ruleCount }

    /// The families of `result`, labelled from the targets' tag snapshots and the Kubernetes snapshot of the moment.
    func families(
        _ result: ScrapeResult,
        plan: ScrapePlan,
        services: [TargetServices],
        config: ExporterConfig,
        kubernetes: KubernetesDirectorySnapshot?,
        duration: Duration
    ) -> [MetricFamily] {
        let output = FamilyBuilder(
            plan: plan,
            regions: Dictionary(services.map { ($0.target, $0.region) }, uniquingKeysWith: { first, _ in first }),
            elbTagsInfo: config.tagLabels.infoMetric,
            labelMemo: labels,
            elbTagsMemo: elbTags,
            targetGroupInfoMemo: targetGroupInfo,
            clusterLabel: config.tagLabels.kubernetes ? config.tagLabels.clusterLabel : nil,
            familiesMemo: ruleFamilies,
            identities: KubernetesIdentityResolver(
                kubernetes: kubernetes,
                serviceLabels: config.kubernetes.serviceLabels
            )
        ).families(
            result,
            snapshots: Dictionary(
                services.map { ($0.target, $0.tagCache.snapshot) },
                uniquingKeysWith: { first, _ in first }
            ),
            duration: duration
        )
        warn(output.clashes)
        return output.families
    }

    /// Warns once per rule and label when a tag label would override `job`, `instance` or a dimension label.
    private func warn(_ clashes: Set<FamilyBuilder.Clash>) {
        guard !clashes.isEmpty else { return }
        let new = warnedClashes.withLock { warned in clashes.filter { warned.insert($0).inserted } }
        for clash in new {
            logger.warning(
                "A tag label has the name of a dimension or reserved label; the dimension wins",
                metadata: [
                    "label": "\(clash.label)", "rule.namespace": "\(clash.rule.rule.awsNamespace)",
                    "rule.metric_name": "\(clash.rule.rule.awsMetricName)",
                ]
            )
        }
    }
}
