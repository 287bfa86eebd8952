import AWSServices
import Foundation
import ResourceTags
import ScrapePipeline
import ScrapeStatus
import Synchronization
import Telemetry
import Testing

/// The datapoint store's memory follows the listing and the windows: sets that disappear are evicted at once, it
/// never holds a set the last scrape did not list, and of a fetch it keeps only the datapoints an answer can be.
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

        // One deleted, one created whose request fails: the deleted one goes as soon as the listing no longer has
        // it, whatever becomes of the new one ...
        fleet.set([(Self.name("d"), [])])
        failing.names.withLock { $0 = [Self.name("d")] }
        scrape = await harness.scrape()
        #expect(harness.collector.store.seriesCount == 0)
        #expect(scrape.samples("aws_elb_request_count_sum").isEmpty)

        // ... and the new one is stored once it is fetched.
        failing.names.withLock { $0 = [] }
        scrape = await harness.scrape()
        #expect(harness.collector.store.seriesCount == 1)
        let exported = scrape.samples("aws_elb_request_count_sum").map { sample in
            sample.labels.first { $0.name == "load_balancer_name" }?.value ?? ""
        }
        #expect(exported == [Self.name("d")])
    }

    /// Three datapoints per set, oldest first, each statistic's value its age in periods.
    static func threePoints(_ input: GetMetricStatisticsInput) -> GetMetricStatisticsOutput {
        GetMetricStatisticsOutput(
            label: nil,
            datapoints: (0..<3).map { age in
                Datapoint(
                    timestamp: CollectorHarness.now.addingTimeInterval(Double(-60 * (age + 1))),
                    sum: Double(age),
                    unit: "Count"
                )
            }
        )
    }

    @Test func aFetchOfItsWindowKeepsOnlyTheDatapointAnAnswerCanBe() async throws {
        let fleet = LoadBalancerFleet(["a", "b"].map { (Self.name($0), []) })
        let harness = try CollectorHarness(
            LoadBalancerTagLabelTests.classicRule + "\n  range_seconds: 600\n  delay_seconds: 0",
            aws: LoadBalancerTagLabelTests.fleetAWS(fleet, getMetricStatistics: Self.threePoints)
        )
        let first = await harness.scrape()
        #expect(harness.collector.store.seriesCount == 2)
        #expect(harness.collector.store.pointCount == 2)
        #expect(first.samples("aws_elb_request_count_sum").map(\.value) == [0, 0])
        // Answered from the store (same period slot): the same newest datapoint.
        let second = await harness.scrape()
        #expect(harness.aws.recorded.getMetricStatistics.count == 2)
        let newest = { (scrape: Scrape) in
            scrape.samples("aws_elb_request_count_sum").map { "\($0.value) \($0.timestampMilliseconds ?? 0)" }
        }
        #expect(newest(second) == newest(first))
    }

    @Test func aStoreAnsweredScrapeNamesItsSetsAndTheNameChangesWithWhatIsStored() async throws {
        let fleet = LoadBalancerFleet(["a", "b"].map { (Self.name($0), []) })
        let harness = try CollectorHarness(
            LoadBalancerTagLabelTests.classicRule,
            aws: LoadBalancerTagLabelTests.fleetAWS(fleet)
        )
        let fetched = await harness.collector.collect(deadline: nil)
        #expect(fetched.rules[0].setsVersion == nil)
        let answered = await harness.collector.collect(deadline: nil)
        let again = await harness.collector.collect(deadline: nil)
        #expect(answered.rules[0].setsVersion != nil)
        #expect(again.rules[0].setsVersion == answered.rules[0].setsVersion)
        #expect(again.rules[0].sets == answered.rules[0].sets)
        // A new load balancer is fetched; the answer after that is another one.
        fleet.set(["a", "b", "c"].map { (Self.name($0), []) })
        let grown = await harness.collector.collect(deadline: nil)
        #expect(grown.rules[0].setsVersion == nil)
        #expect(grown.rules[0].sets.count == 3)
        let later = await harness.collector.collect(deadline: nil)
        #expect(later.rules[0].setsVersion != nil)
        #expect(later.rules[0].setsVersion != answered.rules[0].setsVersion)
        #expect(later.rules[0].sets.count == 3)
    }
}
