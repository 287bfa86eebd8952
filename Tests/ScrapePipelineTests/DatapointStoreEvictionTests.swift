import AWSServices
import Foundation
import ResourceTags
import ScrapePipeline
import ScrapeStatus
import Synchronization
import Telemetry
import Testing

/// The datapoint store's memory follows the listing: sets that disappear are evicted, and it never holds more sets
/// than the last scrape listed.
@Suite struct DatapointStoreEvictionTests {
    static func name(_ letter: Character) -> String { String(repeating: letter, count: 32) }

    /// Load balancer names whose GetMetricStatistics calls fail.
    final class FailingNames: Sendable {
        let names = Mutex<Set<String>>([])
    }

    /// A fleet of classic load balancers whose GetMetricStatistics calls fail for the names in `failing`.
    static func aws(_ fleet: LoadBalancerFleet, failing: FailingNames) -> FakeAWS {
        LoadBalancerTagLabelTests.fleetAWS(fleet) { input in
            let name = input.dimensions.first?.value ?? ""
            if failing.names.withLock({ $0.contains(name) }) { throw AWSErrorFixture.throttled }
            return GetMetricStatisticsOutput(
                label: nil,
                datapoints: [Datapoint(timestamp: CollectorHarness.now, sum: 1, unit: "Count")]
            )
        }
    }

    @Test func setsThatDisappearAreEvictedAndTheStoreNeverOutgrowsTheListing() async throws {
        let fleet = LoadBalancerFleet(["a", "b", "c"].map { (Self.name($0), []) })
        let failing = FailingNames()
        let harness = try CollectorHarness(
            LoadBalancerTagLabelTests.classicRule,
            aws: Self.aws(fleet, failing: failing)
        )
        _ = await harness.scrape()
        #expect(harness.collector.store.seriesCount == 3)

        // Two load balancers deleted: their sets go at the next scrape.
        fleet.set([(Self.name("a"), [])])
        var scrape = await harness.scrape()
        #expect(harness.collector.store.seriesCount == 1)
        #expect(scrape.samples("aws_elb_request_count_sum").count == 1)

        // One deleted, one created whose request fails: the store holds no more sets than listed (the stale one
        // stays while the new one has nothing stored) ...
        fleet.set([(Self.name("d"), [])])
        failing.names.withLock { $0 = [Self.name("d")] }
        scrape = await harness.scrape()
        #expect(harness.collector.store.seriesCount <= 1)
        #expect(scrape.samples("aws_elb_request_count_sum").isEmpty)

        // ... and is evicted once the new one is fetched.
        failing.names.withLock { $0 = [] }
        scrape = await harness.scrape()
        #expect(harness.collector.store.seriesCount == 1)
        let exported = scrape.samples("aws_elb_request_count_sum").map { sample in
            sample.labels.first { $0.name == "load_balancer_name" }?.value ?? ""
        }
        #expect(exported == [Self.name("d")])
    }
}
