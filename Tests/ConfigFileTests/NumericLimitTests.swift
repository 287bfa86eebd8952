import ConfigFile
import Testing

/// Every numeric key has a range; values that would overflow later (milliseconds, durations, window sums) are
/// config errors with file, line, column and key, so a file `check-config` accepts also starts and scrapes.
@Suite struct NumericLimitTests {
    @Test(arguments: [
        ("period_seconds: 153722867280912930:0", "period_seconds"),  // a YAML 1.1 sexagesimal int past Int.max
        ("period_seconds: 99999999999999999999", "period_seconds"),
        ("delay_seconds: 9223372036854775807", "delay_seconds"),
        ("range_seconds: 39312060", "range_seconds"),
        ("list_metrics_cache_ttl: 2147483648", "list_metrics_cache_ttl"),
        ("aws_request_timeout_seconds: 1e300", "aws_request_timeout_seconds"),
        ("aws_request_timeout_seconds: 0", "aws_request_timeout_seconds"),
        ("aws_connect_timeout_seconds: .inf", "aws_connect_timeout_seconds"),
        ("aws_retry_base_delay_seconds: 61", "aws_retry_base_delay_seconds"),
        ("aws_retry_max_delay_seconds: 1e20", "aws_retry_max_delay_seconds"),
        ("scrape_timeout_margin_seconds: 1e300", "scrape_timeout_margin_seconds"),
        ("max_concurrent_requests: 1000000000", "max_concurrent_requests"),
        ("aws_max_attempts: 9223372036854775807", "aws_max_attempts"),
        ("tag_labels: {cache_ttl_seconds: 9223372036854775807}", "tag_labels.cache_ttl_seconds"),
    ])
    func outOfRangeValuesAreErrors(line: String, keyPath: String) {
        let diagnostics = errors("\(line)\nmetrics: []\n")
        #expect(diagnostics.map(\.keyPath) == [keyPath])
        #expect(diagnostics.first?.line == 1)
        #expect(diagnostics.first?.column != nil)
    }

    @Test(arguments: ["period_seconds", "range_seconds", "delay_seconds", "list_metrics_cache_ttl"])
    func ruleLevelValuesAreCheckedToo(key: String) {
        let diagnostics = errors(
            "metrics:\n- aws_namespace: AWS/ELB\n  aws_metric_name: Latency\n  \(key): 9223372036854775807\n"
        )
        #expect(diagnostics.map(\.keyPath) == ["metrics[0].\(key)"])
    }

    @Test func theMessageNamesTheRangeAndTheValue() {
        let message = errors("delay_seconds: 9223372036854775807\nmetrics: []\n").first?.message ?? ""
        #expect(message.contains("at most 39312000"))
        #expect(message.contains("9223372036854775807"))
    }

    @Test func boundsThemselvesAreAccepted() throws {
        let loaded = try ConfigLoader.parse(
            yaml: """
                period_seconds: 60
                range_seconds: 39312000
                delay_seconds: 39312000
                list_metrics_cache_ttl: 2147483647
                max_concurrent_requests: 1000
                aws_max_attempts: 20
                aws_retry_base_delay_seconds: 0
                aws_retry_max_delay_seconds: 300
                aws_connect_timeout_seconds: 300
                aws_request_timeout_seconds: 600
                scrape_timeout_margin_seconds: 60
                tag_labels: {cache_ttl_seconds: 31536000}
                metrics: []

                """,
            file: "config.yml"
        )
        #expect(loaded.config.aws.requestTimeoutSeconds == 600)
        #expect(loaded.config.maxConcurrentRequests == 1000)
    }

    /// The reference documents every range; a key added to the table without docs fails here.
    @Test func everyLimitIsDocumented() throws {
        let docs = try String(
            contentsOfFile: #filePath.replacingOccurrences(
                of: "Tests/ConfigFileTests/NumericLimitTests.swift",
                with: "docs/configuration.md"
            ),
            encoding: .utf8
        )
        for limit in ConfigLimit.all {
            let name = limit.key.split(separator: ".").last.map(String.init) ?? limit.key
            #expect(docs.contains("`\(name)`"), "docs/configuration.md does not name \(limit.key)")
            #expect(
                docs.contains(ConfigLimitText.range(limit)),
                "docs/configuration.md does not give the range of \(limit.key): \(ConfigLimitText.range(limit))"
            )
        }
    }
}

/// How the docs write a range: `1 … 39312000`, or `> 0 … 600` when the minimum is excluded.
enum ConfigLimitText {
    static func range(_ limit: ConfigLimit) -> String {
        func number(_ value: Double) -> String {
            value == value.rounded() ? String(Int64(value)) : String(value)
        }
        return (limit.minimumIsExclusive ? "> " : "") + number(limit.minimum) + " … " + number(limit.maximum)
    }
}
