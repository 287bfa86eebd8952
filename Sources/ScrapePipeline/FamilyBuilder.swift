import AWSCore
import AWSServices
import ConfigFile
import Exposition
import FoundationEssentials
import KubernetesAPI
import ResourceTags

/// Turns a scrape's result into its families: the plan, the result and the tag snapshots of the moment in, the
/// families out, nothing else read or written (the memos only keep what earlier calls derived from the same
/// inputs).
struct FamilyBuilder {
    /// A tag label that would have overridden `job`, `instance`, a dimension or a target label (the earlier one
    /// wins), found while deriving a rule's labels.
    struct Clash: Hashable {
        let rule: RuleID
        let label: String
    }

    /// The families and the clashes found.
    struct Output {
        var families: [MetricFamily]
        var clashes: Set<Clash>
    }

    let plan: ScrapePlan
    /// Each target's resolved region (the `region` label of `cloudwatch_exporter_target_scrape_error`).
    let regions: [AWSTarget: String]
    /// `tag_labels.info_metric`: whether `aws_elb_tags` is exported.
    let elbTagsInfo: Bool
    let labelMemo: SampleLabelMemo
    /// `aws_elb_tags` and `aws_elb_target_group_info`, kept while what they are built from is unchanged.
    let elbTagsMemo: FamilyMemo
    let targetGroupInfoMemo: FamilyMemo
    /// `tag_labels.cluster_label`, for `aws_elb_target_group_info`.
    let clusterLabel: String?
    /// Keeps the families of rules whose sets the datapoint store answered whole.
    var familiesMemo = RuleFamiliesMemo()
    /// Which Service owns a load balancer or target group, beyond what tags say (the Kubernetes API).
    let identities: KubernetesIdentityResolver

    /// The rules' families (merged by name), `aws_resource_info`, `aws_elb_tags`, scrape duration, error and missed
    /// requests, the per-target errors and the tag cache gauges.
    func families(
        _ result: ScrapeResult,
        snapshots: [AWSTarget: LoadBalancerTagSnapshot],
        duration: Duration
    ) -> Output {
        var clashes: Set<Clash> = []
        var families: [MetricFamily] = []
        for (planned, rule) in zip(plan.rules, result.rules) {
            families += ruleFamilies(
                planned,
                rule,
                tagSnapshot: snapshots[planned.target] ?? LoadBalancerTagSnapshot(),
                targetLabels: result.targetLabels[planned.target] ?? [],
                clashes: &clashes
            )
        }
        families = FamilyMerger.merge(families)
        families.append(resourceInfoFamily(result))
        let tagged = plan.targets.compactMap { target -> TaggedTarget? in
            guard let kinds = plan.loadBalancerKinds[target], !kinds.isEmpty else { return nil }
            return TaggedTarget(
                snapshot: snapshots[target] ?? LoadBalancerTagSnapshot(),
                kinds: kinds,
                labels: result.targetLabels[target] ?? []
            )
        }
        if elbTagsInfo, !tagged.isEmpty {
            let targets = tagged.map { (snapshot: $0.snapshot, labels: $0.labels) }
            let key = targets.flatMap { target in
                [String(target.snapshot.version)] + target.labels.flatMap { [$0.name, $0.value] } + ["|"]
            }
            families.append(elbTagsMemo.family(key: key) { ElbTagsFamily.make(targets) })
            if tagged.contains(where: { $0.kinds.contains(.targetGroups) }) {
                let withTargetGroups = zip(tagged, targets).filter { $0.0.kinds.contains(.targetGroups) }.map(\.1)
                families.append(
                    targetGroupInfoMemo.family(key: key + [String(identities.kubernetes?.version ?? 0)]) {
                        TargetGroupInfoFamily.make(withTargetGroups, identities: identities, clusterLabel: clusterLabel)
                    }
                )
            }
        }
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        families.append(
            gauge(
                "cloudwatch_exporter_scrape_duration_seconds",
                "Time this CloudWatch scrape took, in seconds.",
                seconds
            )
        )
        families.append(
            gauge("cloudwatch_exporter_scrape_error", "Non-zero if this scrape failed.", result.failed ? 1 : 0)
        )
        if plan.labelsRegion || plan.labelsAccount { families.append(targetErrorFamily(result)) }
        families.append(
            gauge(
                "cloudwatch_exporter_scrape_missed_requests",
                "AWS requests this scrape abandoned because the scrape deadline passed.",
                Double(result.missedRequests)
            )
        )
        families += tagCacheFamilies(tagged, now: result.scrapeTime)
        return Output(families: families, clashes: clashes)
    }

    /// A rule's families: `_sum`, `_sample_count`, `_minimum`, `_maximum`, `_average`, then extended statistics in
    /// config order, then any other statistic returned (sorted); a family only when it has samples. Kept from the
    /// last scrape while its sets and labels are the same.
    private func ruleFamilies(
        _ planned: PlannedRule,
        _ result: RuleResult,
        tagSnapshot: LoadBalancerTagSnapshot,
        targetLabels: [(name: String, value: String)],
        clashes: inout Set<Clash>
    ) -> [MetricFamily] {
        guard !result.sets.isEmpty else { return [] }
        let stamp = SampleLabelMemo.Stamp(
            tagVersion: tagSnapshot.version,
            kubernetesVersion: identities.kubernetes?.version ?? 0,
            targetLabels: targetLabels
        )
        // aws_tag_select rules take tag labels from this scrape's GetResources answer: built every scrape.
        guard planned.rule.tagSelect == nil else {
            return buildRuleFamilies(
                planned,
                result,
                stamp: stamp,
                tagSnapshot: tagSnapshot,
                targetLabels: targetLabels,
                clashes: &clashes
            )
        }
        var found: Set<Clash> = []
        let families = familiesMemo.families(rule: planned.id, version: result.setsVersion, stamp: stamp) {
            buildRuleFamilies(
                planned,
                result,
                stamp: stamp,
                tagSnapshot: tagSnapshot,
                targetLabels: targetLabels,
                clashes: &found
            )
        }
        clashes.formUnion(found)
        return families
    }

    private func buildRuleFamilies(
        _ planned: PlannedRule,
        _ result: RuleResult,
        stamp: SampleLabelMemo.Stamp,
        tagSnapshot: LoadBalancerTagSnapshot,
        targetLabels: [(name: String, value: String)],
        clashes: inout Set<Clash>
    ) -> [MetricFamily] {
        let data = result.sets
        let rule = planned.rule
        // Upstream's HELP carries the unit of the last dimension set that returned data.
        let unit = data.last?.unit ?? "None"
        var statistics = MetricNaming.standardStatistics + (rule.extendedStatistics ?? [])
        var returned: [String] = []
        for set in data {
            for entry in set.values where !statistics.contains(entry.statistic) && !returned.contains(entry.statistic) {
                returned.append(entry.statistic)
            }
        }
        statistics += returned.sorted()
        var resourceTags: [String: [AWSTag]] = [:]
        for (mapping, id) in result.taggedResources where resourceTags[id] == nil { resourceTags[id] = mapping.tags }
        var found: Set<Clash> = []
        func derive(_ dimensions: [MetricDimension]) -> [(name: String, value: String)] {
            sampleLabels(
                planned,
                dimensions,
                targetLabels: targetLabels,
                tagSnapshot: tagSnapshot,
                resourceTags: resourceTags,
                clashes: &found
            )
        }
        let dimensionSets = data.map(\.dimensions)
        // aws_tag_select rules take tag labels from this scrape's GetResources answer: derived every scrape.
        let labelsBySet =
            rule.tagSelect == nil
            ? labelMemo.labels(
                rule: planned.id,
                scope: SampleLabelMemo.Scope(planned),
                stamp: stamp,
                sets: dimensionSets,
                derive: derive
            )
            : dimensionSets.map(derive)
        clashes.formUnion(found)
        var families: [MetricFamily] = []
        for statistic in statistics {
            let name = planned.baseName + MetricNaming.statisticSuffix(statistic)
            var samples: [Sample] = []
            samples.reserveCapacity(data.count)
            for (set, labels) in zip(data, labelsBySet) {
                guard let value = set[statistic] else { continue }
                let timestamp = rule.setTimestamp ? set.timestamp.flatMap(CheckedTime.epochMilliseconds) : nil
                samples.append(Sample(name: name, labels: labels, value: value, timestampMilliseconds: timestamp))
            }
            if !samples.isEmpty {
                let help = MetricNaming.help(for: rule, statistic: statistic, unit: unit)
                families.append(MetricFamily(name: name, help: help, type: .gauge, samples: samples))
            }
        }
        return families
    }

    /// `job`, `instance=""`, the dimension labels in dimension order, `region` and `account_id` when the config
    /// spans several, then the tag labels; a later label that clashes with an earlier one is dropped.
    private func sampleLabels(
        _ planned: PlannedRule,
        _ dimensions: [MetricDimension],
        targetLabels: [(name: String, value: String)],
        tagSnapshot: LoadBalancerTagSnapshot,
        resourceTags: [String: [AWSTag]],
        clashes: inout Set<Clash>
    ) -> [(name: String, value: String)] {
        var labels: [(name: String, value: String)] = [("job", planned.job), ("instance", "")]
        for dimension in dimensions {
            labels.append((planned.label(ofDimension: dimension.name), dimension.value))
        }
        let later =
            targetLabels
            + tagLabels(planned.rule, dimensions, tagSnapshot: tagSnapshot, resourceTags: resourceTags)
        for label in later {
            if labels.contains(where: { $0.name == label.name }) {
                clashes.insert(Clash(rule: planned.id, label: label.name))
            } else {
                labels.append(label)
            }
        }
        return labels
    }

    /// Tag labels from the load balancer tag cache (ELB namespaces), or for `aws_tag_select` rules from the
    /// GetResources tags when the rule asks for explicit `tags` or `all_tags`.
    private func tagLabels(
        _ rule: MetricRule,
        _ dimensions: [MetricDimension],
        tagSnapshot: LoadBalancerTagSnapshot,
        resourceTags: [String: [AWSTag]]
    ) -> [(name: String, value: String)] {
        let settings = rule.tagLabels
        guard settings.enabled else { return [] }
        let record = tagSnapshot.record(namespace: rule.awsNamespace, dimensions: dimensions)
        let identity = identities.identity(
            cloudWatchNamespace: rule.awsNamespace,
            dimensions: dimensions,
            tags: tagSnapshot
        )
        if record != nil || identity != nil {
            return TagLabelDeriver(settings: settings).labels(
                for: record?.tags ?? [],
                identity: identity,
                serviceLabels: identities.serviceLabels
            )
        }
        guard let idDimension = rule.tagSelect?.resourceIdDimension, !settings.tags.isEmpty || settings.allTags,
            let id = dimensions.first(where: { $0.name == idDimension })?.value, let tags = resourceTags[id]
        else { return [] }
        var explicitOnly = settings
        explicitOnly.kubernetes = false
        return TagLabelDeriver(settings: explicitOnly).labels(for: tags)
    }

    /// `aws_resource_info`: one sample per ARN across all rules (the first rule in config order names its `job` and
    /// id label), always present even when empty.
    private func resourceInfoFamily(_ result: ScrapeResult) -> MetricFamily {
        var seen: Set<String> = []
        var samples: [Sample] = []
        for (planned, rule) in zip(plan.rules, result.rules) {
            guard let tagSelect = planned.rule.tagSelect else { continue }
            for (mapping, id) in rule.taggedResources where seen.insert(mapping.resourceARN).inserted {
                var labels: [(name: String, value: String)] = [
                    ("job", planned.job), ("instance", ""), ("arn", mapping.resourceARN),
                    (MetricNaming.dimensionLabel(tagSelect.resourceIdDimension), id),
                ]
                for label in result.targetLabels[planned.target] ?? []
                where !labels.contains(where: { $0.name == label.name }) {
                    labels.append(label)
                }
                for tag in mapping.tags {
                    let name = "tag_" + MetricNaming.safeLabelName(tag.key)
                    if !labels.contains(where: { $0.name == name }) { labels.append((name, tag.value)) }
                }
                samples.append(Sample(name: "aws_resource_info", labels: labels, value: 1))
            }
        }
        return MetricFamily(
            name: "aws_resource_info",
            help: "AWS information available for resource",
            type: .gauge,
            samples: samples
        )
    }

    /// `cloudwatch_exporter_target_scrape_error`: per region and account, whether any of its calls failed.
    private func targetErrorFamily(_ result: ScrapeResult) -> MetricFamily {
        let name = "cloudwatch_exporter_target_scrape_error"
        let samples = plan.targets.map { target in
            let account = result.targetLabels[target]?.first { $0.name == "account_id" }?.value
            return Sample(
                name: name,
                labels: [("region", regions[target] ?? target.region ?? ""), ("account_id", account ?? "")],
                value: result.failedTargets.contains(target) ? 1 : 0
            )
        }
        return MetricFamily(
            name: name,
            help: "Non-zero if an AWS call of this region and account failed in this scrape.",
            type: .gauge,
            samples: samples
        )
    }

    /// A target with load balancer tags: its snapshot, the kinds it refreshes and its `region`/`account_id` labels.
    private struct TaggedTarget {
        let snapshot: LoadBalancerTagSnapshot
        let kinds: Set<LoadBalancerAPIKind>
        let labels: [(name: String, value: String)]
    }

    /// The tag caches' age (the oldest part of any target's) and size (summed over targets).
    private func tagCacheFamilies(_ tagged: [TaggedTarget], now: Date) -> [MetricFamily] {
        guard !tagged.isEmpty else { return [] }
        var refreshTimes: [Date?] = []
        for target in tagged {
            for kind in [LoadBalancerAPIKind.classic, .v2, .targetGroups] where target.kinds.contains(kind) {
                refreshTimes.append(target.snapshot.refreshedAt(kind))
            }
        }
        let oldest = refreshTimes.contains(where: { $0 == nil }) ? nil : refreshTimes.compactMap { $0 }.min()
        let ageName = "cloudwatch_exporter_load_balancer_tags_cache_age_seconds"
        let age = MetricFamily(
            name: ageName,
            help:
                "Seconds since the oldest part of the load balancer tag cache was refreshed (absent until the first refresh).",
            type: .gauge,
            samples: oldest.map { [Sample(name: ageName, value: max(0, now.timeIntervalSince($0)))] } ?? []
        )
        let entriesName = "cloudwatch_exporter_load_balancer_tags_cache_entries"
        var counts: [LoadBalancerKind: Int] = [:]
        for target in tagged {
            for record in target.snapshot.classic.values { counts[record.kind, default: 0] += 1 }
            for record in target.snapshot.v2.values { counts[record.kind, default: 0] += 1 }
        }
        var entrySamples = LoadBalancerKind.allCases.map { kind in
            Sample(name: entriesName, labels: [("type", kind.rawValue)], value: Double(counts[kind] ?? 0))
        }
        if tagged.contains(where: { $0.kinds.contains(.targetGroups) }) {
            let targetGroups = tagged.reduce(0) { $0 + $1.snapshot.targetGroups.count }
            entrySamples.append(
                Sample(name: entriesName, labels: [("type", "target_group")], value: Double(targetGroups))
            )
        }
        let entries = MetricFamily(
            name: entriesName,
            help: "Load balancers in the tag cache, by type.",
            type: .gauge,
            samples: entrySamples
        )
        return [age, entries]
    }

    private func gauge(_ name: String, _ help: String, _ value: Double) -> MetricFamily {
        MetricFamily(name: name, help: help, type: .gauge, samples: [Sample(name: name, value: value)])
    }
}
