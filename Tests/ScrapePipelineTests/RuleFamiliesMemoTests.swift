import AWSServices
import AWSTestSupport
import Synchronization
import Testing

@testable import ScrapePipeline

/// A rule's families are kept while the datapoint store answers its sets whole, and let go of as soon as a scrape
/// has to fetch them again: not held (with their text) through the fetch.
@Suite struct RuleFamiliesMemoTests {
    @Test func familiesAreLetGoOfBeforeTheRuleFetchesAgain() async throws {
        let names = Mutex(["a", "b"])
        let keptDuringFetch = Mutex<[Int]>([])
        let collector = Mutex<CloudWatchCollector?>(nil)
        let aws = FakeAWS(
            .init(
                listMetrics: { _ in
                    ListMetricsOutput(
                        metrics: names.withLock { $0 }.map {
                            metric("AWS/ELB", "RequestCount", dims(("LoadBalancerName", $0)))
                        },
                        nextToken: nil
                    )
                },
                getMetricStatistics: { _ in
                    if let kept = collector.withLock({ $0 })?.caches.keptRuleFamilies {
                        keptDuringFetch.withLock { $0.append(kept) }
                    }
                    return GetMetricStatisticsOutput(
                        label: nil,
                        datapoints: [Datapoint(timestamp: CollectorHarness.now, sum: 1, unit: "Count")]
                    )
                },
                classicLoadBalancers: { [] }
            )
        )
        let harness = try CollectorHarness(LoadBalancerTagLabelTests.classicRule, aws: aws)
        collector.withLock { $0 = harness.collector }
        _ = await harness.scrape()
        // The second scrape is answered by the store whole: its families are kept.
        _ = await harness.scrape()
        #expect(harness.collector.caches.keptRuleFamilies == 1)
        #expect(keptDuringFetch.withLock { $0 } == [0, 0])

        // A new set: the store no longer answers the rule whole, and the kept families are gone before the fetch.
        names.withLock { $0.append("c") }
        let scrape = await harness.scrape()
        #expect(keptDuringFetch.withLock { $0 } == [0, 0, 0])
        #expect(scrape.samples("aws_elb_request_count_sum").count == 3)
    }
}
