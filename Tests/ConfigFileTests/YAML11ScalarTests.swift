import ConfigFile
import Testing

/// SnakeYAML resolves scalars with YAML 1.1 rules (YAML 1.2 would read `off` as a string and `010` as ten).
@Suite struct YAML11ScalarTests {
    private func rule(_ ruleBody: String) throws -> MetricRule {
        try onlyRule("metrics:\n- aws_namespace: AWS/ELB\n  aws_metric_name: RequestCount\n\(ruleBody)")
    }

    @Test(arguments: [
        ("010", 8),  // octal
        ("0x3C", 60),  // hex
        ("0b111100", 60),  // binary
        ("1:00", 60),  // sexagesimal: 1 × 60 + 0
        ("1_200", 1200),  // underscores
        ("+120", 120),
        ("6.0e1", 60),  // float, truncated
        ("120.5", 120),
        ("0", 0),
    ])
    func integers(text: String, expected: Int) throws {
        #expect(try rule("  delay_seconds: \(text)\n").delaySeconds == expected)
    }

    @Test func sexagesimalPeriodIsMinutesAndSeconds() throws {
        #expect(try rule("  period_seconds: 5:00\n").periodSeconds == 300)
    }

    /// Found by the config-loader fuzz target: `153722867280912930:0` is 2^63 − 8, which a `Double` rounds to 2^63,
    /// and the `Double` detour trapped converting back to `Int`. Computed exactly it is an `Int` (out of the key's
    /// range); 2^63 itself (`2562047788015215:30:8`) is out of `Int`'s range. Both are errors, neither traps.
    @Test(arguments: [
        ("153722867280912930:0", "got 9223372036854775800"),
        ("-153722867280912930:0", "got -9223372036854775800"),
        ("2562047788015215:30:8", "number 2562047788015215:30:8 is out of range"),
    ])
    func sexagesimalNearTwoToTheSixtyThreeIsAnErrorNotATrap(text: String, message: String) {
        let diagnostics = errors("period_seconds: \(text)\nmetrics: []\n")
        #expect(diagnostics.map(\.keyPath) == ["period_seconds"])
        #expect(diagnostics.first?.message.contains(message) == true, "\(diagnostics)")
    }

    /// Quoted scalars stay strings, so a quoted boolean or number is a type error, while an unquoted `no` in a
    /// string list is a boolean and must be quoted.
    @Test func quotedScalarsStayStrings() throws {
        let select = try rule(
            """
              aws_dimensions: [LoadBalancerName]
              aws_dimension_select:
                LoadBalancerName: ["no", 'on', "0x10", "010"]

            """
        )
        #expect(select.dimensionSelect == ["LoadBalancerName": ["no", "on", "0x10", "010"]])
        let diagnostics = errors(
            "set_timestamp: 'false'\nmetrics: []\n"
        )
        #expect(diagnostics.map(\.keyPath) == ["set_timestamp"])
        #expect(diagnostics.first?.message.contains("expected a boolean") == true)
    }

    @Test(arguments: ["no", "yes", "on", "Off", "123", "0x1F", "1.5", "~", "2024-01-02"])
    func unquotedNonStringDimensionValuesAreErrors(text: String) {
        let diagnostics = errors(
            """
            metrics:
            - aws_namespace: AWS/ELB
              aws_metric_name: RequestCount
              aws_dimensions: [LoadBalancerName]
              aws_dimension_select:
                LoadBalancerName: [myLB, \(text)]
            """
        )
        #expect(diagnostics.map(\.keyPath) == ["metrics[0].aws_dimension_select.LoadBalancerName[1]"])
        #expect(diagnostics.first?.line == 6)
        #expect(diagnostics.first?.column == 30)
        if text != "~" {
            #expect(diagnostics.first?.message.contains("quote it: \"\(text)\"") == true)
        }
    }

    /// Only SnakeYAML's three spellings (lower, Capitalised, UPPER) are booleans; `yES` is a string.
    @Test func mixedCaseBooleanIsAString() {
        let diagnostics = errors("set_timestamp: yES\nmetrics: []\n")
        #expect(diagnostics.first?.message.contains("the string \"yES\"") == true)
    }

    @Test func nonStringScalarsAreRejectedWhereStringsAreExpected() {
        let diagnostics = errors("metrics:\n- aws_namespace: AWS/ELB\n  aws_metric_name: 404\n")
        #expect(diagnostics.map(\.keyPath) == ["metrics[0].aws_metric_name"])
        #expect(diagnostics.first?.message.contains("quote it: \"404\"") == true)
    }

    /// SnakeYAML applies merge keys; shared rule settings via anchors are common in big configs.
    @Test func mergeKeysApplyWithExplicitKeysWinning() throws {
        let rules = try parse(
            """
            metrics:
            - &elb
              aws_namespace: AWS/ELB
              aws_metric_name: RequestCount
              aws_dimensions: [LoadBalancerName]
              aws_statistics: [Sum]
            - <<: *elb
              aws_metric_name: Latency
              aws_statistics: [Average]
            """
        ).config.rules
        #expect(rules.count == 2)
        #expect(rules.last?.awsNamespace == "AWS/ELB")
        #expect(rules.last?.awsMetricName == "Latency")
        #expect(rules.last?.awsDimensions == ["LoadBalancerName"])
        #expect(rules.last?.statistics == ["Average"])
    }
}
