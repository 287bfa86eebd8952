import ConfigFile
import Testing

/// Checks we make at load where cloudwatch_exporter only fails at scrape time, or never.
@Suite struct ValidationTests {
    private func ruleErrors(_ body: String) -> [ConfigDiagnostic] {
        errors("metrics:\n- aws_namespace: AWS/ELB\n  aws_metric_name: Latency\n\(body)")
    }

    @Test(arguments: [1, 5, 10, 20, 30, 60, 120, 300, 86_400])
    func acceptedPeriods(period: Int) throws {
        let rule = try onlyRule(
            "metrics:\n- aws_namespace: A\n  aws_metric_name: B\n  period_seconds: \(period)\n  range_seconds: 86400\n"
        )
        #expect(rule.periodSeconds == period)
    }

    @Test(arguments: [0, -60, 2, 15, 45, 90, 61])
    func rejectedPeriods(period: Int) {
        let diagnostics = ruleErrors("  period_seconds: \(period)\n")
        #expect(diagnostics.map(\.keyPath) == ["metrics[0].period_seconds"])
    }

    @Test(arguments: ["range_seconds", "delay_seconds", "list_metrics_cache_ttl"])
    func negativeDurationsAreErrors(key: String) {
        #expect(ruleErrors("  \(key): -1\n").map(\.keyPath) == ["metrics[0].\(key)"])
        #expect(errors("metrics: []\n\(key): -20\n").map(\.keyPath) == [key])
    }

    @Test func rangeShorterThanPeriodWarns() throws {
        let loaded = try parse(
            "range_seconds: 60\nmetrics:\n- aws_namespace: A\n  aws_metric_name: B\n  period_seconds: 300\n"
        )
        #expect(loaded.warnings.map(\.keyPath) == ["metrics[0].period_seconds"])
        #expect(loaded.warnings.first?.message.contains("shorter than period_seconds") == true)
    }

    @Test(arguments: [
        ("average", "did you mean Average?"), ("SUM", "did you mean Sum?"), ("avg", "did you mean Average?"),
        ("min", "did you mean Minimum?"), ("p99", "aws_extended_statistics"), ("Mean", "expected one of"),
    ])
    func invalidStatistics(name: String, hint: String) {
        let diagnostics = ruleErrors("  aws_statistics: [\(name)]\n")
        #expect(diagnostics.map(\.keyPath) == ["metrics[0].aws_statistics[0]"])
        #expect(diagnostics.first?.message.contains(hint) == true)
    }

    @Test(arguments: [
        "p0", "p50", "p99", "p99.9", "p99.99", "p100", "P95", "tm99", "tc90.5", "ts50", "wm90", "IQM", "TM(10%:90%)",
        "TM(:95%)", "WM(5%:)", "TC(0.005:0.030)", "TS(80%:)", "PR(100:2000)",
    ])
    func acceptedExtendedStatistics(name: String) throws {
        let rule = try onlyRule(
            "metrics:\n- aws_namespace: A\n  aws_metric_name: B\n  aws_extended_statistics: [\"\(name)\"]\n"
        )
        #expect(rule.extendedStatistics == [name])
        #expect(rule.statistics == nil)
    }

    @Test(arguments: ["p", "p101", "q5", "tm", "TM()", "TM(:)", "Average", "p99%", "foo(1:2)"])
    func rejectedExtendedStatistics(name: String) {
        let diagnostics = ruleErrors("  aws_extended_statistics: [\"\(name)\"]\n")
        #expect(diagnostics.map(\.keyPath) == ["metrics[0].aws_extended_statistics[0]"])
    }

    @Test func emptyStatisticsWithoutExtendedAreAnError() {
        #expect(ruleErrors("  aws_statistics: []\n").map(\.keyPath) == ["metrics[0].aws_statistics"])
    }

    @Test func explicitStatisticsAlongsideExtendedAreKept() throws {
        let rule = try onlyRule(
            "metrics:\n- aws_namespace: A\n  aws_metric_name: B\n  aws_statistics: [Maximum]\n"
                + "  aws_extended_statistics: [p99]\n"
        )
        #expect(rule.statistics == ["Maximum"])
        #expect(rule.extendedStatistics == ["p99"])
    }

    @Test(arguments: [
        ("(unclosed", "unclosed ("), ("a)(b", "unmatched )"), ("x{2,1}", "invalid regular expression"),
        ("ab\\\\", "lone backslash"),
    ])
    func invalidDimensionRegexesFailTheLoad(pattern: String, hint: String) {
        let diagnostics = ruleErrors(
            "  aws_dimensions: [LoadBalancerName]\n  aws_dimension_select_regex:\n"
                + "    LoadBalancerName: [ok, \"\(pattern)\"]\n"
        )
        #expect(diagnostics.map(\.keyPath) == ["metrics[0].aws_dimension_select_regex.LoadBalancerName[1]"])
        #expect(diagnostics.first?.line == 6)
        #expect(diagnostics.first?.column == 28)
        #expect(diagnostics.first?.message.contains(hint) == true)
    }

    /// Java's `Pattern.matches` is a whole-string match; the collector compiles through `JavaPattern`.
    @Test func dimensionRegexesAreFullMatches() throws {
        let regex = try JavaPattern("myLB(.*)|[0-9a-f]{3}", anchored: true)
        #expect(regex.matches("myLB1"))
        #expect(regex.matches("abc"))
        #expect(!regex.matches("xmyLB1"))
        #expect(!regex.matches("abcd"))
        #expect(!regex.matches("abc\n"))
    }

    /// A construct Java accepts but the exporter leaves out fails the load naming it, not at scrape time.
    @Test func unsupportedRegexConstructsFailTheLoadNamingThem() {
        let diagnostics = ruleErrors(
            "  aws_dimensions: [LoadBalancerName]\n  aws_dimension_select_regex:\n"
                + "    LoadBalancerName: [\"(?!test).*\"]\n"
        )
        #expect(diagnostics.map(\.keyPath) == ["metrics[0].aws_dimension_select_regex.LoadBalancerName[0]"])
        #expect(diagnostics.first?.message.contains("lookahead") == true)
        #expect(diagnostics.first?.message.contains("not supported") == true)
    }

    @Test func invalidARNRegexpFailsTheLoad() {
        let diagnostics = ruleErrors(
            "  aws_tag_select:\n    resource_type_selection: a\n    resource_id_dimension: B\n"
                + "    arn_resource_id_regexp: \"([^/]+\"\n"
        )
        #expect(diagnostics.map(\.keyPath) == ["metrics[0].aws_tag_select.arn_resource_id_regexp"])
    }

    @Test func tooManyTagSelectionValuesAreAnError() {
        let values = (1...21).map { "v\($0)" }.joined(separator: ", ")
        let diagnostics = ruleErrors(
            "  aws_tag_select:\n    resource_type_selection: a\n    resource_id_dimension: B\n"
                + "    tag_selections:\n      Team: [\(values)]\n"
        )
        #expect(diagnostics.map(\.keyPath) == ["metrics[0].aws_tag_select.tag_selections.Team"])
    }

    @Test(arguments: [
        ("region: \"\"", "region"), ("region: Eu West", "region"), ("role_arn: my-role", "role_arn"),
        ("max_concurrent_requests: 0", "max_concurrent_requests"), ("aws_max_attempts: 0", "aws_max_attempts"),
        ("aws_retry_base_delay_seconds: -1", "aws_retry_base_delay_seconds"),
        ("aws_connect_timeout_seconds: 0", "aws_connect_timeout_seconds"),
        ("aws_request_timeout_seconds: \"10\"", "aws_request_timeout_seconds"),
        ("scrape_timeout_margin_seconds: -0.5", "scrape_timeout_margin_seconds"),
    ])
    func invalidGlobalSettings(entry: String, keyPath: String) {
        #expect(errors("metrics: []\n\(entry)\n").map(\.keyPath) == [keyPath])
    }

    @Test func ourGlobalSettingsAreRead() throws {
        let config = try parse(
            """
            metrics: []
            max_concurrent_requests: 4
            aws_max_attempts: 5
            aws_retry_base_delay_seconds: 0.1
            aws_retry_max_delay_seconds: 2
            aws_connect_timeout_seconds: 1.5
            aws_request_timeout_seconds: 20
            scrape_timeout_margin_seconds: 1
            """
        ).config
        #expect(config.maxConcurrentRequests == 4)
        #expect(
            config.aws
                == AWSSettings(
                    maxAttempts: 5,
                    retryBaseDelaySeconds: 0.1,
                    retryMaxDelaySeconds: 2,
                    connectTimeoutSeconds: 1.5,
                    requestTimeoutSeconds: 20
                )
        )
        #expect(config.scrapeTimeoutMarginSeconds == 1)
        let defaults = try parse("metrics: []\n").config
        #expect(defaults == ExporterConfig())
        #expect(
            defaults.aws
                == AWSSettings(
                    maxAttempts: 3,
                    retryBaseDelaySeconds: 0.2,
                    retryMaxDelaySeconds: 5,
                    connectTimeoutSeconds: 3,
                    requestTimeoutSeconds: 10
                )
        )
        #expect(defaults.maxConcurrentRequests == 10)
        #expect(defaults.scrapeTimeoutMarginSeconds == 0.5)
    }

    /// The server compares configs to decide whether AWS clients must be rebuilt on reload.
    @Test func configsCompareByValue() throws {
        let base = "metrics:\n- aws_namespace: A\n  aws_metric_name: B\n"
        #expect(try parse("region: us-east-1\n" + base).config == parse("region: us-east-1\n" + base).config)
        #expect(try parse("region: us-east-1\n" + base).config != parse("region: eu-west-1\n" + base).config)
    }
}
