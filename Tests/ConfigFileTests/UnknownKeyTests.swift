import ConfigFile
import Testing

/// cloudwatch_exporter silently ignores unknown keys (issues #29, #112, #49); we load but warn, with a suggestion.
@Suite struct UnknownKeyTests {
    @Test(arguments: [
        ("metric:\n  []\nmetrics: []\n", "metric", "did you mean metrics?", 1, 1),
        ("metrics: []\nperiod_second: 60\n", "period_second", "did you mean period_seconds?", 2, 1),
        (
            "metrics: []\nlist_metric_cache_ttl: 60\n", "list_metric_cache_ttl", "did you mean list_metrics_cache_ttl?",
            2, 1
        ),
        (
            "metrics:\n- aws_namespace: A\n  aws_metric_name: B\n  aws_dimension: [X]\n", "metrics[0].aws_dimension",
            "did you mean aws_dimensions?", 4, 3
        ),
        (
            "metrics:\n- aws_namespace: A\n  aws_metric_name: B\n  aws_dimensions: [X]\n"
                + "  aws_dimensions_select: {X: [a]}\n",
            "metrics[0].aws_dimensions_select", "did you mean aws_dimension_select?", 5, 3
        ),
        (
            "metrics:\n- aws_namespace: A\n  aws_metric_name: B\n  aws_tag_select:\n    resource_type_selection: a\n"
                + "    resource_id_dimension: X\n    tag_selection: {}\n",
            "metrics[0].aws_tag_select.tag_selection", "did you mean tag_selections?", 7, 5
        ),
        (
            "metrics:\n- aws_namespace: A\n  aws_metric_name: B\n  regions: [us-east-1]\n",
            "metrics[0].regions", "only read at the top level", 4, 3
        ),
        ("metrics: []\naws_namespace: AWS/ELB\n", "aws_namespace", "belongs inside an entry of metrics", 2, 1),
        ("metrics: []\nzzz: 1\n", "zzz", "the nearest known key is", 2, 1),
    ])
    func unknownKeyWarns(yaml: String, keyPath: String, hint: String, line: Int, column: Int) throws {
        let loaded = try parse(yaml)
        #expect(loaded.warnings.map(\.keyPath) == [keyPath])
        let warning = try #require(loaded.warnings.first)
        #expect(warning.message.contains("unknown key"))
        #expect(warning.message.contains(hint))
        #expect(warning.line == line)
        #expect(warning.column == column)
        #expect(warning.description.hasPrefix("config.yml:\(line):\(column): \(keyPath): "))
    }

    @Test func selectKeyMissingFromDimensionsWarns() throws {
        let loaded = try parse(
            """
            metrics:
            - aws_namespace: AWS/ELB
              aws_metric_name: RequestCount
              aws_dimensions: [LoadBalancerName]
              aws_dimension_select:
                LoadBalancerNme: [myLB]
            """
        )
        #expect(loaded.warnings.map(\.keyPath) == ["metrics[0].aws_dimension_select.LoadBalancerNme"])
        #expect(loaded.warnings.first?.message.contains("did you mean LoadBalancerName?") == true)
    }

    @Test func repeatedRuleWarns() throws {
        let rule = "- aws_namespace: AWS/ELB\n  aws_metric_name: RequestCount\n"
        let loaded = try parse("metrics:\n\(rule)- aws_namespace: AWS/ELB\n  aws_metric_name: Latency\n\(rule)")
        #expect(loaded.config.rules.count == 3)
        #expect(loaded.warnings.map(\.keyPath) == ["metrics[2]"])
        #expect(loaded.warnings.first?.message.contains("repeats metrics[0]") == true)
    }

    @Test func knownKeyListsCoverTheDocumentedKeys() {
        #expect(ConfigLoader.knownTopLevelKeys.count == 23)
        #expect(ConfigLoader.knownRuleKeys.count == 20)
        #expect(Set(ConfigLoader.globalOnlyTagLabelKeys).isSubset(of: ConfigLoader.knownTagLabelKeys))
    }
}
