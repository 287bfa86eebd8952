import Exposition
import Testing

@Suite struct FamilyMergerTests {
    private func sample(_ lb: String, _ value: Double, extra: [(name: String, value: String)] = []) -> Sample {
        Sample(
            name: "aws_elb_request_count_sum",
            labels: [("job", "aws_elb"), ("load_balancer_name", lb)] + extra,
            value: value
        )
    }

    /// C14 / upstream issue #79: two rules producing the same family must not give two HELP lines.
    @Test func sameNameFamiliesBecomeOneWithFirstHelpAndType() {
        let merged = FamilyMerger.merge([
            MetricFamily(name: "aws_elb_request_count_sum", help: "first", type: .gauge, samples: [sample("a", 1)]),
            MetricFamily(name: "other", help: "o", type: .gauge, samples: []),
            MetricFamily(name: "aws_elb_request_count_sum", help: "second", type: .untyped, samples: [sample("b", 2)]),
        ])
        #expect(merged.map(\.name) == ["aws_elb_request_count_sum", "other"])
        #expect(merged[0].help == "first")
        #expect(merged[0].type == .gauge)
        #expect(merged[0].samples == [sample("a", 1), sample("b", 2)])
        let output = String(
            decoding: ExpositionRenderer.render(merged, format: .text004, nameFilter: nil),
            as: UTF8.self
        )
        #expect(output.components(separatedBy: "# HELP aws_elb_request_count_sum").count == 2)
    }

    @Test func duplicateSeriesAreDroppedKeepingTheFirst() {
        let merged = FamilyMerger.merge([
            MetricFamily(name: "aws_elb_request_count_sum", help: "h", type: .gauge, samples: [sample("a", 1)]),
            MetricFamily(
                name: "aws_elb_request_count_sum",
                help: "h",
                type: .gauge,
                samples: [
                    // Same label set in another order: the same series for Prometheus.
                    Sample(
                        name: "aws_elb_request_count_sum",
                        labels: [("load_balancer_name", "a"), ("job", "aws_elb")],
                        value: 9
                    ),
                    sample("a", 3, extra: [("availability_zone", "x")]),
                ]
            ),
        ])
        #expect(merged.count == 1)
        #expect(merged[0].samples == [sample("a", 1), sample("a", 3, extra: [("availability_zone", "x")])])
    }

    @Test func distinctFamiliesAreUntouched() {
        let families = [
            MetricFamily(name: "a", help: "a", type: .gauge, samples: [sample("x", 1), sample("x", 1)]),
            MetricFamily(name: "b", help: "b", type: .counter, samples: []),
        ]
        let merged = FamilyMerger.merge(families)
        #expect(merged.map(\.name) == ["a", "b"])
        #expect(merged[0].samples.count == 2)
    }
}
