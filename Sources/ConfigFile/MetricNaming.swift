public import ConfigFile

/// cloudwatch_exporter's naming functions, reproduced exactly: metric family names, label names, the `job` label and
/// the generated HELP text.
public enum MetricNaming {
    /// The five standard CloudWatch statistics, in the order cloudwatch_exporter emits their families.
    public static let standardStatistics = ["Sum", "SampleCount", "Minimum", "Maximum", "Average"]

    /// DynamoDB metrics that get an `_index` suffix when a rule selects by `GlobalSecondaryIndexName`, so that table
    /// and index series do not share a family (cloudwatch_exporter PR #56).
    static let dynamoIndexMetrics: Set<String> = [
        "ConsumedReadCapacityUnits", "ConsumedWriteCapacityUnits", "ProvisionedReadCapacityUnits",
        "ProvisionedWriteCapacityUnits", "ReadThrottleEvents", "WriteThrottleEvents",
    ]

    /// Inserts `_` between an ASCII lowercase letter or digit and a following ASCII uppercase letter, then lowercases:
    /// `RequestCount` → `request_count`, `CPUUtilization` → `cpuutilization`.
    public static func snakeCase(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        var previous: Unicode.Scalar?
        for scalar in text.unicodeScalars {
            if let previous, isLowerOrDigit(previous), isUpper(scalar) { result.append("_") }
            result.append(scalar)
            previous = scalar
        }
        return String(result).lowercased()
    }

    /// Keeps `[a-zA-Z0-9:_]`, replaces anything else with `_`, then collapses runs of `_`.
    public static func safeName(_ text: String) -> String { sanitize(text, allowColon: true) }

    /// Keeps `[a-zA-Z0-9_]`, replaces anything else with `_`, then collapses runs of `_`.
    public static func safeLabelName(_ text: String) -> String { sanitize(text, allowColon: false) }

    /// The `job` label of a namespace's samples: `AWS/ApplicationELB` → `aws_applicationelb`.
    public static func jobLabel(namespace: String) -> String { safeName(namespace.lowercased()) }

    /// The label name of a dimension: `LoadBalancerName` → `load_balancer_name`.
    public static func dimensionLabel(_ dimensionName: String) -> String { safeLabelName(snakeCase(dimensionName)) }

    /// The family name without the statistic suffix, including the DynamoDB `_index` rule.
    public static func baseName(for rule: MetricRule) -> String {
        var name = safeName(rule.awsNamespace.lowercased() + "_" + snakeCase(rule.awsMetricName))
        if rule.awsNamespace == "AWS/DynamoDB", rule.awsDimensions?.contains("GlobalSecondaryIndexName") == true,
            dynamoIndexMetrics.contains(rule.awsMetricName)
        {
            name += "_index"
        }
        return name
    }

    /// The family suffix of a statistic: `Sum` → `_sum`, `p99.9` → `_p99_9`.
    public static func statisticSuffix(_ statistic: String) -> String {
        switch statistic {
        case "Sum": "_sum"
        case "SampleCount": "_sample_count"
        case "Minimum": "_minimum"
        case "Maximum": "_maximum"
        case "Average": "_average"
        default: "_" + safeName(snakeCase(statistic))
        }
    }

    /// The generated HELP text, with the dimensions in Java `List.toString` form (`null` when absent).
    public static func help(for rule: MetricRule, statistic: String, unit: String) -> String {
        if let help = rule.help { return help }
        let dimensions = rule.awsDimensions.map { "[" + $0.joined(separator: ", ") + "]" } ?? "null"
        return "CloudWatch metric \(rule.awsNamespace) \(rule.awsMetricName) Dimensions: \(dimensions)"
            + " Statistic: \(statistic) Unit: \(unit)"
    }

    private static func sanitize(_ text: String, allowColon: Bool) -> String {
        var result = String.UnicodeScalarView()
        var lastWasUnderscore = false
        for scalar in text.unicodeScalars {
            let keep = isLetterOrDigit(scalar) || (allowColon && scalar == ":")
            let output: Unicode.Scalar = keep ? scalar : "_"
            if output == "_" {
                if lastWasUnderscore { continue }
                lastWasUnderscore = true
            } else {
                lastWasUnderscore = false
            }
            result.append(output)
        }
        return String(result)
    }

    private static func isUpper(_ scalar: Unicode.Scalar) -> Bool { ("A"..."Z").contains(scalar) }
    private static func isLowerOrDigit(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
    }
    private static func isLetterOrDigit(_ scalar: Unicode.Scalar) -> Bool {
        isUpper(scalar) || isLowerOrDigit(scalar)
    }
}
