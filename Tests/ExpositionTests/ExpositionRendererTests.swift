import Exposition
import Testing

@Suite struct ExpositionRendererTests {
    private func text(_ families: [MetricFamily], _ format: ExpositionFormat, filter: Set<String>? = nil) -> String {
        String(decoding: ExpositionRenderer.render(families, format: format, nameFilter: filter), as: UTF8.self)
    }

    /// C27: `name[]=cloudwatch_exporter_scrape_error` keeps only that sample and its family.
    @Test func nameFilterKeepsOnlyNamedSamplesAndTheirFamilies() {
        let output = text(GoldenFamilies.exampleScrape, .text004, filter: ["cloudwatch_exporter_scrape_error"])
        #expect(
            output == """
                # HELP cloudwatch_exporter_scrape_error Non-zero if this scrape failed.
                # TYPE cloudwatch_exporter_scrape_error gauge
                cloudwatch_exporter_scrape_error 0.0

                """
        )
    }

    /// Filtering is by sample name, so `x_created` alone yields only the moved gauge family in 0.0.4.
    @Test func nameFilterMatchesSampleNamesNotFamilyNames() {
        let created = text(GoldenFamilies.exampleScrape, .text004, filter: ["cloudwatch_requests_created"])
        #expect(
            created == """
                # HELP cloudwatch_requests_total API requests made to CloudWatch
                # TYPE cloudwatch_requests_total counter
                # HELP cloudwatch_requests_created API requests made to CloudWatch
                # TYPE cloudwatch_requests_created gauge
                cloudwatch_requests_created{action="listMetrics",namespace="AWS/ELB",} 1.784E9
                cloudwatch_requests_created{action="getMetricStatistics",namespace="AWS/ELB",} 1.784E9

                """
        )
        let byFamilyName = text(GoldenFamilies.exampleScrape, .openMetrics100, filter: ["cloudwatch_requests"])
        #expect(byFamilyName == "# EOF\n")
        let total = text(GoldenFamilies.exampleScrape, .openMetrics100, filter: ["cloudwatch_requests_total"])
        #expect(
            total == """
                # TYPE cloudwatch_requests counter
                # HELP cloudwatch_requests API requests made to CloudWatch
                cloudwatch_requests_total{action="listMetrics",namespace="AWS/ELB"} 1.0
                cloudwatch_requests_total{action="getMetricStatistics",namespace="AWS/ELB"} 2.0
                # EOF

                """
        )
    }

    @Test func nameFilterDropsFamiliesWithoutSamples() {
        let output = text(GoldenFamilies.exampleScrape, .text004, filter: ["aws_resource_info"])
        #expect(output.isEmpty)
    }

    /// simpleclient ignores an empty `name[]` list; so do we.
    @Test func emptyNameFilterMeansNoFilter() {
        let unfiltered = text(GoldenFamilies.exampleScrape, .text004)
        #expect(text(GoldenFamilies.exampleScrape, .text004, filter: []) == unfiltered)
        #expect(unfiltered.contains("# TYPE aws_resource_info gauge\n"))
    }

    @Test(arguments: [
        (Int64(1_675_847_100_000), "1675847100.000"),
        (1_675_847_100_007, "1675847100.007"),
        (1_675_847_100_070, "1675847100.070"),
        (999, "0.999"),
        (0, "0.000"),
        (-1, "-0.001"),
        (-1500, "-1.500"),
        (Int64.min, "-9223372036854775.808"),
        (Int64.max, "9223372036854775.807"),
    ])
    func openMetricsTimestampsAreSecondsWithThreeDecimals(milliseconds: Int64, expected: String) {
        let family = MetricFamily(
            name: "x",
            help: "h",
            type: .gauge,
            samples: [Sample(name: "x", value: 1, timestampMilliseconds: milliseconds)]
        )
        #expect(text([family], .openMetrics100) == "# TYPE x gauge\n# HELP x h\nx 1.0 \(expected)\n# EOF\n")
        #expect(text([family], .text004) == "# HELP x h\n# TYPE x gauge\nx 1.0 \(milliseconds)\n")
    }

    @Test func emptyOutputIsOnlyEOFInOpenMetrics() {
        #expect(text([], .openMetrics100) == "# EOF\n")
        #expect(text([], .text004).isEmpty)
    }

    /// A large family renders every sample correctly (the exporter may expose 100k series).
    @Test func rendersALargeFamilyCompletely() {
        let count = 100_000
        let samples = (0..<count).map { index in
            Sample(
                name: "aws_elb_request_count_sum",
                labels: [("job", "aws_elb"), ("instance", ""), ("load_balancer_name", "lb-\(index)")],
                value: Double(index) / 4,
                timestampMilliseconds: 1_675_847_100_000 + Int64(index)
            )
        }
        let family = MetricFamily(name: "aws_elb_request_count_sum", help: "Sum.", type: .gauge, samples: samples)
        let bytes = ExpositionRenderer.render([family], format: .text004, nameFilter: nil)
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == count + 3)
        #expect(lines.last == "")
        #expect(
            lines[2]
                == #"aws_elb_request_count_sum{job="aws_elb",instance="",load_balancer_name="lb-0",} 0.0 1675847100000"#
        )
        #expect(
            lines[count + 1]
                == #"aws_elb_request_count_sum{job="aws_elb",instance="",load_balancer_name="lb-99999",} "#
                + "24999.75 1675847199999"
        )
        let openMetrics = ExpositionRenderer.render([family], format: .openMetrics100, nameFilter: nil)
        let omLines = String(decoding: openMetrics, as: UTF8.self).split(separator: "\n")
        #expect(omLines.count == count + 3)
        #expect(
            omLines[50_002]
                == #"aws_elb_request_count_sum{job="aws_elb",instance="",load_balancer_name="lb-50000"} "#
                + "12500.0 1675847150.000"
        )
    }
}
