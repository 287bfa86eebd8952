import ConfigFile
import Testing

@Suite struct TagLabelsTests {
    private let rule = "- aws_namespace: AWS/ELB\n  aws_metric_name: RequestCount\n"

    @Test func defaultsWhenAbsent() throws {
        let config = try parse("metrics:\n\(rule)").config
        let expected = TagLabelSettings(
            enabled: true,
            kubernetes: true,
            clusterLabel: "cluster",
            tags: [],
            allTags: false,
            infoMetric: true,
            cacheTTLSeconds: 300
        )
        #expect(config.tagLabels == expected)
        #expect(config.rules.first?.tagLabels == expected)
    }

    @Test func globalSettingsApplyToEveryRule() throws {
        let config = try parse(
            """
            tag_labels:
              kubernetes: false
              cluster_label: ""
              all_tags: yes
              info_metric: off
              cache_ttl_seconds: 60
              tags:
                team: team
                "kubernetes.io/service-name": k8s_service
            metrics:
            \(rule)
            """
        ).config
        let global = config.tagLabels
        #expect(!global.kubernetes)
        #expect(global.clusterLabel == nil)
        #expect(global.allTags)
        #expect(!global.infoMetric)
        #expect(global.cacheTTLSeconds == 60)
        #expect(
            global.tags == [
                TagLabel(tagKey: "team", labelName: "team"),
                TagLabel(tagKey: "kubernetes.io/service-name", labelName: "k8s_service"),
            ]
        )
        #expect(config.rules.first?.tagLabels == global)
    }

    /// A rule's block overrides field by field; its `tags` replaces the global map.
    @Test func ruleOverridesFieldByField() throws {
        let config = try parse(
            """
            tag_labels:
              cluster_label: k8s_cluster
              tags: {team: team}
            metrics:
            - aws_namespace: AWS/ELB
              aws_metric_name: RequestCount
              tag_labels:
                enabled: false
            - aws_namespace: AWS/ELB
              aws_metric_name: Latency
              tag_labels:
                tags: {owner: owner}
            - aws_namespace: AWS/ELB
              aws_metric_name: HealthyHostCount
            """
        ).config
        let rules = config.rules
        #expect(rules[0].tagLabels.enabled == false)
        #expect(rules[0].tagLabels.clusterLabel == "k8s_cluster")
        #expect(rules[0].tagLabels.tags == [TagLabel(tagKey: "team", labelName: "team")])
        #expect(rules[1].tagLabels.enabled)
        #expect(rules[1].tagLabels.tags == [TagLabel(tagKey: "owner", labelName: "owner")])
        #expect(rules[1].tagLabels.clusterLabel == "k8s_cluster")
        #expect(rules[2].tagLabels == config.tagLabels)
    }

    @Test(arguments: ["info_metric: false", "cache_ttl_seconds: 60"])
    func globalOnlyKeysAreRejectedInRules(entry: String) {
        let diagnostics = errors("metrics:\n\(rule)  tag_labels:\n    \(entry)\n")
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.keyPath.hasPrefix("metrics[0].tag_labels.") == true)
        #expect(diagnostics.first?.message.contains("only allowed in the top-level tag_labels") == true)
    }

    @Test(arguments: [
        ("cluster_label: 1abc", "tag_labels.cluster_label", "[a-zA-Z_][a-zA-Z0-9_]*"),
        ("tags: {team: my-team}", "tag_labels.tags.team", "[a-zA-Z_][a-zA-Z0-9_]*"),
        ("tags: {team: __team}", "tag_labels.tags.team", "reserved"),
        ("tags: {team: job}", "tag_labels.tags.team", "collides"),
        ("tags: {\"a/b\": x, c: x}", "tag_labels.tags.c", "already used"),
        ("tags: {on: x}", "tag_labels.tags.on", "quote it"),
        ("cache_ttl_seconds: 5", "tag_labels.cache_ttl_seconds", "at least 10"),
        ("enabled: maybe", "tag_labels.enabled", "expected a boolean"),
    ])
    func invalidSettingsAreErrors(entry: String, keyPath: String, message: String) {
        let diagnostics = errors("metrics: []\ntag_labels:\n  \(entry)\n")
        #expect(diagnostics.map(\.keyPath) == [keyPath])
        #expect(diagnostics.first?.message.contains(message) == true)
        #expect(diagnostics.first?.line == 3)
    }

    @Test func unknownKeysInTagLabelsWarn() throws {
        let warnings = try parse("metrics: []\ntag_labels:\n  all_tag: true\n").warnings
        #expect(warnings.map(\.keyPath) == ["tag_labels.all_tag"])
        #expect(warnings.first?.message.contains("did you mean all_tags?") == true)
    }
}
