import ConfigFile
import Testing

/// cloudwatch_exporter's config test cases (cloudwatch_exporter_cases.md A29–A41, C1–C8), with our deliberate
/// deviations where upstream is lax.
@Suite struct UpstreamConfigCasesTests {
    @Test(
        "A29 / C1: an empty file is rejected with Must provide metrics",
        arguments: ["", "\n", "# only a comment\n", "~\n"]
    )
    func emptyDocument(yaml: String) {
        let diagnostics = errors(yaml)
        #expect(diagnostics.map(\.message) == ["Must provide metrics"])
        #expect(diagnostics.first?.keyPath == "metrics")
        #expect(diagnostics.first?.line == 1)
        #expect(diagnostics.first?.column == 1)
    }

    @Test("A30: a config without metrics is rejected")
    func withoutMetrics() {
        #expect(errors("region: us-east-1\n").map(\.message) == ["Must provide metrics"])
    }

    @Test(
        "A31 / A32: aws_namespace and aws_metric_name are both required",
        arguments: [
            "metrics:\n- aws_namespace: AWS/ELB\n",
            "metrics:\n- aws_metric_name: RequestCount\n",
        ]
    )
    func requiredNames(yaml: String) {
        let diagnostics = errors(yaml)
        #expect(diagnostics.map(\.message) == ["Must provide aws_namespace and aws_metric_name"])
        #expect(diagnostics.first?.keyPath == "metrics[0]")
        #expect(diagnostics.first?.line == 2)
        #expect(diagnostics.first?.column == 3)
    }

    /// Upstream's A33 uses `period_seconds: 15`, which CloudWatch rejects (periods are 1, 5, 10, 20, 30 or a
    /// multiple of 60), so upstream only fails at scrape time; we reject it at load (see
    /// `upstreamA33PeriodIsRejected`) and run the rest of the case with 30.
    @Test("A33: global defaults apply to rules; help, dimensions and extended statistics are read")
    func globalDefaultsAndHelp() throws {
        let loaded = try parse(
            """
            period_seconds: 30
            range_seconds: 30
            delay_seconds: 45
            set_timestamp: false
            use_get_metric_data: true
            warn_on_empty_list_dimensions: true
            list_metrics_cache_ttl: 120
            metrics:
            - aws_namespace: AWS/ELB
              aws_metric_name: RequestCount
              help: Custom help
              aws_dimensions: [LoadBalancerName]
              aws_extended_statistics: [p99]
            """
        )
        let rule = try #require(loaded.config.rules.first)
        #expect(rule.periodSeconds == 30)
        #expect(rule.rangeSeconds == 30)
        #expect(rule.delaySeconds == 45)
        #expect(rule.setTimestamp == false)
        #expect(rule.useGetMetricData == true)
        #expect(rule.warnOnEmptyListDimensions == true)
        #expect(rule.listMetricsCacheTTL == nil)
        #expect(loaded.config.globalListMetricsCacheTTL == 120)
        #expect(loaded.config.listMetricsCacheEnabled)
        #expect(rule.help == "Custom help")
        #expect(rule.awsDimensions == ["LoadBalancerName"])
        #expect(rule.extendedStatistics == ["p99"])
        #expect(rule.statistics == nil)
        #expect(loaded.warnings.isEmpty)
    }

    @Test("A33 (deviation): upstream's period of 15 seconds is rejected at load")
    func upstreamA33PeriodIsRejected() {
        let diagnostics = errors("period_seconds: 15\nrange_seconds: 30\nmetrics: []\n")
        #expect(diagnostics.map(\.keyPath) == ["period_seconds"])
        #expect(diagnostics.first?.message.contains("1, 5, 10, 20, 30 or a positive multiple of 60") == true)
    }

    @Test("A34 / A35: a minimal rule loads, with or without region, with upstream defaults")
    func minimalRule() throws {
        for yaml in [
            "metrics:\n- aws_namespace: AWS/ELB\n  aws_metric_name: RequestCount\n",
            // Upstream's test uses `region: reg`; we reject names that are no AWS region (see ValidationTests).
            "region: eu-west-1\nmetrics:\n- aws_namespace: AWS/ELB\n  aws_metric_name: RequestCount\n",
        ] {
            let loaded = try parse(yaml)
            #expect(loaded.config.rules.count == 1)
            #expect(loaded.warnings.isEmpty)
            let rule = try #require(loaded.config.rules.first)
            #expect(rule == MetricRule(awsNamespace: "AWS/ELB", awsMetricName: "RequestCount"))
            #expect(rule.statistics == ["Sum", "SampleCount", "Minimum", "Maximum", "Average"])
            #expect(rule.periodSeconds == 60 && rule.rangeSeconds == 600 && rule.delaySeconds == 600)
            #expect(rule.setTimestamp && !rule.useGetMetricData && !rule.warnOnEmptyListDimensions)
            #expect(rule.awsDimensions == nil && rule.dimensionSelect == nil && rule.tagSelect == nil)
            #expect(!loaded.config.listMetricsCacheEnabled)
        }
        #expect(try parse("region: eu-west-1\nmetrics: []\n").config.region == "eu-west-1")
    }

    @Test("A36: aws_dimension_select and aws_dimension_select_regex are mutually exclusive")
    func combinedSelects() {
        let diagnostics = errors(
            """
            metrics:
            - aws_namespace: AWS/ELB
              aws_metric_name: RequestCount
              aws_dimensions: [LoadBalancerName]
              aws_dimension_select:
                LoadBalancerName: [myLB]
              aws_dimension_select_regex:
                LoadBalancerName: ["myLB.*"]
            """
        )
        #expect(
            diagnostics.map(\.message) == [
                "Must not provide aws_dimension_select and aws_dimension_select_regex at the same time"
            ]
        )
        #expect(diagnostics.first?.keyPath == "metrics[0].aws_dimension_select_regex")
        #expect(diagnostics.first?.line == 7)
    }

    @Test(
        "A37 / A38: aws_tag_select needs both resource_type_selection and resource_id_dimension",
        arguments: [
            "resource_type_selection: ec2:instance", "resource_id_dimension: InstanceId",
        ]
    )
    func incompleteTagSelect(entry: String) {
        let diagnostics = errors(
            """
            metrics:
            - aws_namespace: AWS/EC2
              aws_metric_name: CPUUtilization
              aws_tag_select:
                \(entry)
            """
        )
        #expect(diagnostics.map(\.message) == ["Must provide resource_type_selection and resource_id_dimension"])
        #expect(diagnostics.first?.keyPath == "metrics[0].aws_tag_select")
        #expect(diagnostics.first?.line == 5)
    }

    @Test("A41: explicit statistics keep their order; a rule overrides the global warn flag")
    func explicitStatisticsAndOverride() throws {
        let rule = try onlyRule(
            """
            warn_on_empty_list_dimensions: false
            metrics:
            - aws_namespace: AWS/ELB
              aws_metric_name: RequestCount
              aws_statistics: [Sum, Average]
              warn_on_empty_list_dimensions: true
            """
        )
        #expect(rule.statistics == ["Sum", "Average"])
        #expect(rule.warnOnEmptyListDimensions)
    }

    @Test("A17 / A18: aws_tag_select is read in order, with the default or a custom ARN regexp")
    func tagSelect() throws {
        let rule = try onlyRule(
            """
            metrics:
            - aws_namespace: AWS/EC2
              aws_metric_name: CPUUtilization
              aws_dimensions: [InstanceId]
              aws_tag_select:
                resource_type_selection: "ec2:instance"
                resource_id_dimension: InstanceId
                tag_selections:
                  Monitoring: [enabled]
                  Team: [a, b]
            """
        )
        #expect(
            rule.tagSelect
                == TagSelect(
                    resourceTypeSelection: "ec2:instance",
                    resourceIdDimension: "InstanceId",
                    tagSelections: [
                        TagSelection(key: "Monitoring", values: ["enabled"]),
                        TagSelection(key: "Team", values: ["a", "b"]),
                    ],
                    arnResourceIdRegexp: "(?:([^:/]+)|[^:/]+/([^:]+))$"
                )
        )
        let waf = try onlyRule(
            """
            metrics:
            - aws_namespace: AWS/WAFV2
              aws_metric_name: CountedRequests
              aws_tag_select:
                resource_type_selection: "wafv2:regional/webacl"
                resource_id_dimension: WebACL
                arn_resource_id_regexp: "([^/]+)/[^/]+$"
            """
        )
        #expect(waf.tagSelect?.arnResourceIdRegexp == "([^/]+)/[^/]+$")
        #expect(waf.tagSelect?.tagSelections == nil)
    }

    @Test("A27 / A28: the ListMetrics cache is on iff the global TTL is > 0 or any rule sets one, even 0")
    func listMetricsCacheEnablement() throws {
        let rule = "- aws_namespace: AWS/ELB\n  aws_metric_name: RequestCount\n"
        #expect(try parse("list_metrics_cache_ttl: 500\nmetrics:\n\(rule)").config.listMetricsCacheEnabled)
        #expect(try !parse("list_metrics_cache_ttl: 0\nmetrics:\n\(rule)").config.listMetricsCacheEnabled)
        let perRule = try parse("metrics:\n\(rule)  list_metrics_cache_ttl: 0\n")
        #expect(perRule.config.listMetricsCacheEnabled)
        #expect(perRule.config.rules.first?.listMetricsCacheTTL == 0)
    }

    @Test("C4 (deviation): unknown keys still load but now warn; a rule's region is honoured, not ignored")
    func unknownKeysWarn() throws {
        let loaded = try parse(
            """
            metrics:
            - aws_namespace: AWS/ELB
              aws_metric_name: RequestCount
              aws_dimension: [LoadBalancerName]
              region: eu-west-1
            """
        )
        let rule = try #require(loaded.config.rules.first)
        #expect(rule.awsDimensions == nil)
        #expect(loaded.config.region == nil)
        #expect(rule.region == "eu-west-1")
        #expect(loaded.warnings.map(\.keyPath) == ["metrics[0].aws_dimension"])
        #expect(loaded.warnings.first?.message.contains("did you mean aws_dimensions?") == true)
    }

    @Test("C5 (deviation): a quoted number is an error naming the key and its position")
    func quotedNumber() {
        let diagnostics = errors("period_seconds: \"60\"\nmetrics: []\n")
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.keyPath == "period_seconds")
        #expect(diagnostics.first?.line == 1)
        #expect(diagnostics.first?.column == 17)
        #expect(diagnostics.first?.message.contains("expected a number") == true)
        #expect(diagnostics.first?.description.hasPrefix("config.yml:1:17: period_seconds: expected a number") == true)
    }

    @Test("C6: numbers are truncated to integers like Java's intValue()")
    func truncatedNumbers() throws {
        let rule = try onlyRule(
            """
            period_seconds: 60.9
            metrics:
            - aws_namespace: AWS/ELB
              aws_metric_name: RequestCount
              range_seconds: 600.99
            """
        )
        #expect(rule.periodSeconds == 60)
        #expect(rule.rangeSeconds == 600)
    }

    @Test(
        "C7: YAML 1.1 booleans",
        arguments: [
            ("off", false), ("Off", false), ("OFF", false), ("no", false), ("No", false), ("false", false),
            ("FALSE", false), ("on", true), ("On", true), ("yes", true), ("YES", true), ("True", true),
        ]
    )
    func yaml11Booleans(text: String, expected: Bool) throws {
        let rule = try onlyRule(
            "set_timestamp: \(text)\nmetrics:\n- aws_namespace: AWS/ELB\n  aws_metric_name: RequestCount\n"
        )
        #expect(rule.setTimestamp == expected)
    }

    @Test("C8 (deviation): a lowercase statistic is rejected at load with a suggestion")
    func lowercaseStatistic() {
        let diagnostics = errors(
            """
            metrics:
            - aws_namespace: AWS/ELB
              aws_metric_name: RequestCount
              aws_statistics: [Sum, average]
            """
        )
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.keyPath == "metrics[0].aws_statistics[1]")
        #expect(diagnostics.first?.line == 4)
        #expect(diagnostics.first?.column == 25)
        #expect(diagnostics.first?.message.contains("did you mean Average?") == true)
    }

    @Test("C2: metrics: [] is valid and yields no rules")
    func emptyMetrics() throws {
        let loaded = try parse("metrics: []\n")
        #expect(loaded.config.rules.isEmpty)
        #expect(loaded.warnings.isEmpty)
    }

    @Test("C3 (deviation): role_arn without region is allowed; the region comes from the environment")
    func roleWithoutRegion() throws {
        let config = try parse("role_arn: arn:aws:iam::123456789012:role/cw\nmetrics: []\n").config
        #expect(config.roleARN == "arn:aws:iam::123456789012:role/cw")
        #expect(config.region == nil)
    }
}
