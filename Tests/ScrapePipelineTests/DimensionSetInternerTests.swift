import AWSServices
import AWSTestSupport
import Synchronization
import Testing

@testable import ScrapePipeline

/// Rules that list the same dimension sets keep one copy of them: the first scrape shares them through the
/// collection's interner, and later listings decode to those shared arrays.
@Suite struct DimensionSetInternerTests {
    static let rules = """
        metrics:
        - aws_namespace: AWS/ELB
          aws_metric_name: RequestCount
          aws_dimensions: [LoadBalancerName]
          aws_statistics: [Sum]
        - aws_namespace: AWS/ELB
          aws_metric_name: Latency
          aws_dimensions: [LoadBalancerName]
          aws_statistics: [Average]
        """

    @Test func twoRulesOfTheSameSetsKeepOneCopy() async throws {
        let names = ["a", "b", "c"].map { String(repeating: $0, count: 32) }
        let extra = Mutex<[String]>([])
        // Every listing decodes new strings, as a ListMetrics answer does.
        let aws = FakeAWS(
            .init(
                listMetrics: { input in
                    ListMetricsOutput(
                        metrics: (names + extra.withLock { $0 }).map {
                            metric(
                                "AWS/ELB",
                                input.metricName ?? "",
                                dims(("LoadBalancerName", PreviousListingTests.fresh($0)))
                            )
                        },
                        nextToken: nil
                    )
                },
                getMetricStatistics: { _ in
                    GetMetricStatisticsOutput(
                        label: nil,
                        datapoints: [
                            Datapoint(timestamp: CollectorHarness.now, average: 2, sum: 1, unit: "Count")
                        ]
                    )
                },
                classicLoadBalancers: { [] }
            )
        )
        let harness = try CollectorHarness(Self.rules, aws: aws)
        let ids = harness.collector.plan.rules.map { $0.id }
        try #require(ids.count == 2)
        func shared() -> [Bool] {
            let first = harness.collector.store.listedSets(rule: ids[0])
            let second = harness.collector.store.listedSets(rule: ids[1])
            return zip(first, second).map { PreviousListingTests.sameStorage($0, $1) }
        }
        let scrape = await harness.scrape()
        #expect(scrape.samples("aws_elb_request_count_sum").count == 3)
        #expect(scrape.samples("aws_elb_latency_average").count == 3)
        #expect(shared() == [true, true, true])
        // A load balancer added later is shared too, and the sets shared before stay shared.
        extra.withLock { $0 = [String(repeating: "d", count: 32)] }
        _ = await harness.scrape()
        #expect(shared() == [true, true, true, true])
    }
}
