import AWSServices
import AWSTestSupport
import Foundation
import ResourceTags
import ScrapePipeline
import ScrapeStatus
import Telemetry
import Testing

/// Concurrency, deadlines and duplicate families.
@Suite struct ScrapeBehaviourTests {
    static func rule(sets: Int, concurrency: Int) -> String {
        let names = (0..<sets).map { "lb\($0)" }.joined(separator: ", ")
        return """
            max_concurrent_requests: \(concurrency)
            metrics:
            - aws_namespace: AWS/ELB
              aws_metric_name: RequestCount
              aws_dimensions: [LoadBalancerName]
              aws_statistics: [Sum]
              aws_dimension_select:
                LoadBalancerName: [\(names)]
            """
    }

    @Test func concurrentCallsAreBounded() async throws {
        let aws = FakeAWS(
            .init(getMetricStatistics: { _ in
                try await Task.sleep(for: .milliseconds(20))
                return GetMetricStatisticsOutput(
                    label: nil,
                    datapoints: [Datapoint(timestamp: CollectorHarness.now, sum: 1)]
                )
            })
        )
        let harness = try CollectorHarness(Self.rule(sets: 30, concurrency: 4), aws: aws)
        let scrape = await harness.scrape()
        #expect(scrape.samples("aws_elb_request_count_sum").count == 30)
        #expect(aws.recorded.maxInFlight <= 4)
        #expect(aws.recorded.maxInFlight > 1)
    }

    /// The deadline "passes" when lb0 has answered (a gate, not the clock): lb1 and lb2 never answer, so the
    /// scrape must return lb0's series and count the other two as missed, on any machine, at any speed.
    @Test(.timeLimit(.minutes(1))) func deadlineReturnsWhatCompletedAndCountsTheRest() async throws {
        let deadline = Gate()
        let aws = FakeAWS(
            .init(getMetricStatistics: { input in
                guard input.dimensions.first?.value == "lb0" else {
                    // Never answers: only the scrape's cancellation at its deadline ends this call.
                    try await Task.sleep(for: .seconds(86_400))
                    throw CancellationError()
                }
                return GetMetricStatisticsOutput(
                    label: nil,
                    datapoints: [Datapoint(timestamp: CollectorHarness.now, sum: 1)]
                )
            })
        )
        let harness = try CollectorHarness(Self.rule(sets: 3, concurrency: 3), aws: aws, deadlineGate: deadline)
        async let scrape = harness.scrape(deadline: .now.advanced(by: .seconds(86_400)))
        while aws.recorded.getMetricStatistics.count < 3 { await Task.yield() }
        deadline.open()
        let result = await scrape
        #expect(result.samples("aws_elb_request_count_sum").count == 1)
        #expect(result.value("cloudwatch_exporter_scrape_missed_requests", [:]) == 2)
        #expect(result.scrapeError == 1)
    }

    @Test func twoRulesWithTheSameFamilyShareOneHelp() async throws {
        let aws = FakeAWS(
            .init(getMetricStatistics: { _ in
                GetMetricStatisticsOutput(label: nil, datapoints: [Datapoint(timestamp: CollectorHarness.now, sum: 1)])
            })
        )
        let harness = try CollectorHarness(
            """
            metrics:
            - aws_namespace: AWS/ELB
              aws_metric_name: RequestCount
              aws_dimensions: [LoadBalancerName]
              aws_statistics: [Sum]
              aws_dimension_select: {LoadBalancerName: [a]}
            - aws_namespace: AWS/ELB
              aws_metric_name: RequestCount
              aws_dimensions: [LoadBalancerName]
              aws_statistics: [Sum]
              aws_dimension_select: {LoadBalancerName: [b]}
            """,
            aws: aws
        )
        let text = await harness.scrape().text()
        #expect(text.components(separatedBy: "# HELP aws_elb_request_count_sum ").count == 2)
        #expect(text.contains("load_balancer_name=\"a\"") && text.contains("load_balancer_name=\"b\""))
    }
}
