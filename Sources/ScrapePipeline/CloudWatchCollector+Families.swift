import AWSCore
import AWSServices
import ConfigFile
import Exposition
import Foundation

extension CloudWatchCollector {
    /// A rule's families: `_sum`, `_sample_count`, `_minimum`, `_maximum`, `_average`, then extended statistics in
    /// config order; a family only when it has samples.
    func ruleFamilies(
        _ planned: ScrapePlan.Rule,
        slot: Int,
        state: ScrapeAccumulator.RuleState,
        tagSnapshot: LoadBalancerTagSnapshot,
        targetLabels: [(name: String, value: String)]
    ) -> [MetricFamily] {
        let data = state.exported
        guard !data.isEmpty else { return [] }
        let rule = planned.rule
        let baseName = planned.baseName
        let job = planned.job
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
        let resourceTags = resourceTagsById(state)
        func derive(_ dimensions: [MetricDimension]) -> [(name: String, value: String)] {
            sampleLabels(
                planned,
                dimensions,
                job: job,
                targetLabels: targetLabels,
                tagSnapshot: tagSnapshot,
                resourceTags: resourceTags
            )
        }
        let dimensionSets = data.map(\.dimensions)
        // aws_tag_select rules take tag labels from this scrape's GetResources answer: derived every scrape.
        let labelsBySet =
            rule.tagSelect == nil
            ? labelMemo.labels(
                slot: slot,
                stamp: SampleLabelMemo.Stamp(tagVersion: tagSnapshot.version, targetLabels: targetLabels),
                sets: dimensionSets,
                derive: derive
            )
            : dimensionSets.map(derive)
        var families: [MetricFamily] = []
        for statistic in statistics {
            let name = baseName + MetricNaming.statisticSuffix(statistic)
            var samples: [Sample] = []
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
    /// spans several, then the tag labels; a later label that clashes with an earlier one is dropped (warned once).
    private func sampleLabels(
        _ planned: ScrapePlan.Rule,
        _ dimensions: [MetricDimension],
        job: String,
        targetLabels: [(name: String, value: String)],
        tagSnapshot: LoadBalancerTagSnapshot,
        resourceTags: [String: [AWSTag]]
    ) -> [(name: String, value: String)] {
        let rule = planned.rule
        var labels: [(name: String, value: String)] = [("job", job), ("instance", "")]
        for dimension in dimensions {
            labels.append((planned.label(ofDimension: dimension.name), dimension.value))
        }
        let later = targetLabels + tagLabels(rule, dimensions, tagSnapshot: tagSnapshot, resourceTags: resourceTags)
        for label in later {
            if labels.contains(where: { $0.name == label.name }) {
                warnClash(label.name, rule: rule)
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
        if let record = tagSnapshot.record(namespace: rule.awsNamespace, dimensions: dimensions) {
            return TagLabelDeriver(settings: settings).labels(for: record.tags)
        }
        guard let idDimension = rule.tagSelect?.resourceIdDimension, !settings.tags.isEmpty || settings.allTags,
            let id = dimensions.first(where: { $0.name == idDimension })?.value, let tags = resourceTags[id]
        else { return [] }
        var explicitOnly = settings
        explicitOnly.kubernetes = false
        return TagLabelDeriver(settings: explicitOnly).labels(for: tags)
    }

    private func resourceTagsById(_ state: ScrapeAccumulator.RuleState) -> [String: [AWSTag]] {
        var tags: [String: [AWSTag]] = [:]
        for (mapping, id) in zip(state.mappings, state.resourceIds) where tags[id] == nil {
            tags[id] = mapping.tags
        }
        return tags
    }

    /// `aws_resource_info`: one sample per ARN across all rules (the first rule in config order names its `job` and
    /// id label), always present even when empty.
    func resourceInfoFamily(_ result: ScrapeAccumulator.Snapshot) -> MetricFamily {
        var seen: Set<String> = []
        var samples: [Sample] = []
        for (planned, state) in zip(plan.rules, result.rules) {
            guard let tagSelect = planned.rule.tagSelect else { continue }
            for (mapping, id) in zip(state.mappings, state.resourceIds) where seen.insert(mapping.resourceARN).inserted
            {
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

    /// The tag caches' age (the oldest part of any target's) and size (summed over targets).
    func tagCacheFamilies(_ tagged: [TaggedTarget], now: Date) -> [MetricFamily] {
        guard !tagged.isEmpty else { return [] }
        var refreshTimes: [Date?] = []
        for target in tagged {
            if target.kinds.contains(.classic) { refreshTimes.append(target.snapshot.classicRefreshedAt) }
            if target.kinds.contains(.v2) { refreshTimes.append(target.snapshot.v2RefreshedAt) }
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
        let entries = MetricFamily(
            name: entriesName,
            help: "Load balancers in the tag cache, by type.",
            type: .gauge,
            samples: LoadBalancerKind.allCases.map { kind in
                Sample(
                    name: entriesName,
                    labels: [("type", kind.rawValue)],
                    value: Double(counts[kind] ?? 0)
                )
            }
        )
        return [age, entries]
    }
}
