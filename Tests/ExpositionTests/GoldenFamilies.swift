import Exposition

/// The families behind the files in `Golden/`, built the way the collector builds them.
enum GoldenFamilies {
    /// The golden file names (without extension), each with a `.prom` and an `.om` file.
    static let names = ["example_scrape", "escaping", "edge_cases"]

    static func named(_ name: String) -> [MetricFamily]? {
        switch name {
        case "example_scrape": exampleScrape
        case "escaping": escaping
        case "edge_cases": edgeCases
        default: nil
        }
    }

    /// The example scrape of cloudwatch_exporter.md §3.4 (without the JVM families).
    static let exampleScrape: [MetricFamily] = [
        MetricFamily(
            name: "aws_elb_request_count_sum",
            help: "CloudWatch metric AWS/ELB RequestCount Dimensions: [AvailabilityZone, LoadBalancerName] "
                + "Statistic: Sum Unit: Count",
            type: .gauge,
            samples: [
                Sample(
                    name: "aws_elb_request_count_sum",
                    labels: [
                        ("job", "aws_elb"), ("instance", ""), ("availability_zone", "eu-west-1c"),
                        ("load_balancer_name", "mylb"),
                    ],
                    value: 42,
                    timestampMilliseconds: 1_675_847_100_000
                )
            ]
        ),
        MetricFamily(name: "aws_resource_info", help: "AWS information available for resource", type: .gauge),
        MetricFamily(
            name: "cloudwatch_exporter_scrape_duration_seconds",
            help: "Time this CloudWatch scrape took, in seconds.",
            type: .gauge,
            samples: [Sample(name: "cloudwatch_exporter_scrape_duration_seconds", value: 0.51234)]
        ),
        MetricFamily(
            name: "cloudwatch_exporter_scrape_error",
            help: "Non-zero if this scrape failed.",
            type: .gauge,
            samples: [Sample(name: "cloudwatch_exporter_scrape_error", value: 0)]
        ),
        MetricFamily(
            name: "cloudwatch_exporter_build_info",
            help: "Non-zero if build info scrape failed.",
            type: .gauge,
            samples: [
                Sample(
                    name: "cloudwatch_exporter_build_info",
                    labels: [("build_version", "0.18.0"), ("release_date", "2026-07-01")],
                    value: 1
                )
            ]
        ),
        MetricFamily(
            name: "cloudwatch_requests",
            help: "API requests made to CloudWatch",
            type: .counter,
            samples: [
                Sample(name: "cloudwatch_requests_total", labels: listMetrics, value: 1),
                Sample(name: "cloudwatch_requests_created", labels: listMetrics, value: 1.784e9),
                Sample(name: "cloudwatch_requests_total", labels: getMetricStatistics, value: 2),
                Sample(name: "cloudwatch_requests_created", labels: getMetricStatistics, value: 1.784e9),
            ]
        ),
    ]

    private static let listMetrics: [(name: String, value: String)] = [
        ("action", "listMetrics"), ("namespace", "AWS/ELB"),
    ]
    private static let getMetricStatistics: [(name: String, value: String)] = [
        ("action", "getMetricStatistics"), ("namespace", "AWS/ELB"),
    ]

    /// Escaping, UTF-8, special values, empty families, counters with and without `_created`.
    static let escaping: [MetricFamily] = [
        MetricFamily(
            name: "tricky_labels",
            help: "Help with a backslash \\ and a\nnewline and \"quotes\" kept.",
            type: .gauge,
            samples: [
                Sample(
                    name: "tricky_labels",
                    labels: [("path", "C:\\dir\\file"), ("quote", "say \"hi\""), ("multi", "line1\nline2")],
                    value: 1
                ),
                Sample(name: "tricky_labels", labels: [("city", "東京"), ("drink", "café ☕")], value: 2.5),
            ]
        ),
        MetricFamily(
            name: "special_values",
            help: "Special float values.",
            type: .gauge,
            samples: [
                ("nan", Double.nan), ("pos_inf", .infinity), ("neg_inf", -.infinity), ("neg_zero", -0.0),
                ("small", 1e-4), ("large", 123_510_784), ("threshold", 0.001),
            ].map { Sample(name: "special_values", labels: [("case", $0.0)], value: $0.1) }
        ),
        MetricFamily(name: "empty_gauge", help: "A gauge without samples.", type: .gauge),
        MetricFamily(
            name: "zeta_events",
            help: "Zeta events.",
            type: .counter,
            samples: [
                Sample(name: "zeta_events_total", value: 3),
                Sample(name: "zeta_events_created", value: 1_675_847_100),
            ]
        ),
        MetricFamily(name: "empty_events", help: "A counter without samples.", type: .counter),
        MetricFamily(
            name: "alpha_events",
            help: "Alpha events.",
            type: .counter,
            samples: [
                Sample(name: "alpha_events_total", labels: [("kind", "a")], value: 1),
                Sample(name: "alpha_events_created", labels: [("kind", "a")], value: 1.5e9),
                Sample(name: "alpha_events_total", labels: [("kind", "b")], value: 7),
            ]
        ),
    ]

    /// Untyped family, empty HELP, timestamps at and before the epoch, milliseconds in OpenMetrics.
    static let edgeCases: [MetricFamily] = [
        MetricFamily(
            name: "legacy_value",
            help: "",
            type: .untyped,
            samples: [
                Sample(name: "legacy_value", value: 5, timestampMilliseconds: -1500),
                Sample(name: "legacy_value", labels: [("at", "epoch")], value: 0.5, timestampMilliseconds: 0),
                Sample(
                    name: "legacy_value",
                    labels: [("at", "later")],
                    value: 1e21,
                    timestampMilliseconds: 1_675_847_100_123
                ),
            ]
        )
    ]
}
