import AWSServices
import AWSTestSupport
import Synchronization
import Testing

@testable import ScrapePipeline

/// A listing equal to the previous one costs no second copy of its strings: its sets are the previous listing's
/// arrays, in the scrape's discovery, fetches, store and labels alike.
@Suite struct PreviousListingTests {
    static func set(_ values: String...) -> [MetricDimension] {
        values.enumerated().map { MetricDimension(name: "D\($0.offset)", value: fresh($0.element)) }
    }

    /// A copy of `text` in storage of its own (32 characters and more are never held inline).
    static func fresh(_ text: String) -> String { String(decoding: Array(text.utf8), as: UTF8.self) }

    /// Where a string's bytes are: two strings are one copy when they are at the same place.
    static func storage(_ text: String) -> UnsafeRawPointer? {
        var copy = text
        return copy.withUTF8 { UnsafeRawPointer($0.baseAddress) }
    }

    static func sameStorage(_ left: [MetricDimension], _ right: [MetricDimension]) -> Bool {
        left.count == right.count && zip(left, right).allSatisfy { storage($0.value) == storage($1.value) }
    }

    static let long = (0..<6).map { String(repeating: Character(UnicodeScalar(UInt8(97 + $0))), count: 32) }

    @Test func equalSetsInOrderAreThePreviousListingsArrays() {
        let previousSets = Self.long.map { Self.set($0) }
        var previous = PreviousListing(previousSets)
        // Equal sets, new strings; one inserted (skipped over), one with another dimension count (not kept before).
        let listing =
            [Self.set(Self.long[0]), Self.set(Self.long[1], "x"), Self.set(Self.long[1]), Self.set("new")]
            + Self.long[2...].map { Self.set($0) }
        let shared = listing.map { previous.shared($0) }
        #expect(shared == listing)
        let reused = shared.map { set in previousSets.contains { Self.sameStorage($0, set) } }
        #expect(reused == [true, false, true, false, true, true, true, true])
    }

    @Test func afterASetRemovedTheRestIsTheNewListings() {
        let previousSets = Self.long.map { Self.set($0) }
        var previous = PreviousListing(previousSets)
        let listing = [Self.long[0], Self.long[2], Self.long[3]].map { Self.set($0) }
        let shared = listing.map { previous.shared($0) }
        #expect(shared == listing)
        #expect(Self.sameStorage(shared[0], previousSets[0]))
        #expect(!Self.sameStorage(shared[1], previousSets[2]))
    }

    @Test func aSetFetchedInALaterScrapeKeepsTheFirstListingsStrings() async throws {
        let names = ["a", "b", "c"].map { String(repeating: $0, count: 32) }
        let failing = DatapointStoreEvictionTests.FailingNames()
        failing.names.withLock { $0 = [names[2]] }
        // Every listing decodes new strings, as a ListMetrics answer does.
        let aws = FakeAWS(
            .init(
                listMetrics: { _ in
                    ListMetricsOutput(
                        metrics: names.map {
                            metric("AWS/ELB", "RequestCount", dims(("LoadBalancerName", Self.fresh($0))))
                        },
                        nextToken: nil
                    )
                },
                getMetricStatistics: { input in
                    let name = input.dimensions.first?.value ?? ""
                    if failing.names.withLock({ $0.contains(name) }) { throw AWSErrorFixture.throttled }
                    return GetMetricStatisticsOutput(
                        label: nil,
                        datapoints: [Datapoint(timestamp: CollectorHarness.now, sum: 1, unit: "Count")]
                    )
                },
                classicLoadBalancers: { names.map { ($0, []) } }
            )
        )
        let harness = try CollectorHarness(LoadBalancerTagLabelTests.classicRule, aws: aws)
        let rule = try #require(harness.collector.plan.rules.first).id
        _ = await harness.scrape()
        let first = harness.collector.store.listedSets(rule: rule)
        try #require(first.count == 3)

        // The set whose fetch failed is fetched by the next scrape, from that scrape's listing.
        failing.names.withLock { $0 = [] }
        let scrape = await harness.scrape()
        let exported = scrape.samples("aws_elb_request_count_sum").compactMap { sample in
            sample.labels.first { $0.name == "load_balancer_name" }?.value
        }
        try #require(exported.count == 3)
        #expect(exported.map(Self.storage) == first.map { Self.storage($0[0].value) })
        let now = harness.collector.store.listedSets(rule: rule)
        #expect(zip(now, first).allSatisfy { Self.sameStorage($0, $1) })
    }
}
