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

    /// The sets admitted from `listing`, in order.
    static func admitted(_ listing: [[MetricDimension]], into previous: inout PreviousListing) -> [[MetricDimension]] {
        listing.compactMap { previous.admit($0) }
    }

    @Test func equalSetsInOrderAreThePreviousListingsArrays() {
        let previousSets = Self.long.map { Self.set($0) }
        var previous = PreviousListing(previousSets)
        // Equal sets, new strings; one inserted (skipped over), one with another dimension count (not kept before).
        let listing =
            [Self.set(Self.long[0]), Self.set(Self.long[1], "x"), Self.set(Self.long[1]), Self.set("new")]
            + Self.long[2...].map { Self.set($0) }
        let admitted = Self.admitted(listing, into: &previous)
        #expect(admitted == listing)
        let reused = admitted.map { set in previousSets.contains { Self.sameStorage($0, set) } }
        #expect(reused == [true, false, true, false, true, true, true, true])
    }

    @Test func afterASetRemovedTheRestIsStillThePreviousListingsArrays() {
        let previousSets = Self.long.map { Self.set($0) }
        var previous = PreviousListing(previousSets)
        let listing = [Self.long[0], Self.long[2], Self.long[3]].map { Self.set($0) }
        let admitted = Self.admitted(listing, into: &previous)
        #expect(admitted == listing)
        #expect(zip(admitted, [0, 2, 3]).allSatisfy { Self.sameStorage($0, previousSets[$1]) })
    }

    @Test func repeatsAreDroppedWhereverTheyComeFrom() {
        let previousSets = Self.long.map { Self.set($0) }
        var previous = PreviousListing(previousSets)
        // long[3] met early (before long[1]), long[0] again after the fast path took it, long[5] twice in a row.
        let order = [0, 3, 1, 2, 0, 3, 4, 5, 5]
        let admitted = Self.admitted(order.map { Self.set(Self.long[$0]) }, into: &previous)
        #expect(admitted == [0, 3, 1, 2, 4, 5].map { Self.set(Self.long[$0]) })
        #expect(zip(admitted, [0, 3, 1, 2, 4, 5]).allSatisfy { Self.sameStorage($0, previousSets[$1]) })
    }

    /// Against a `Set`, on seeded random listings: the previous one changed by removals, insertions, moves,
    /// repeats and sets of other shapes, with a hash that collides often.
    @Test(arguments: [1, 2, 3, 4, 5])
    func admitsWhatASetAdmits(seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        let value = { (number: Int) in String(repeating: "v", count: 32) + String(number) }
        let pool = (0..<60).map { Self.set(value($0)) } + (0..<20).map { Self.set(value($0), "z") }
        let previousSets = Array(pool.shuffled(using: &generator).prefix(40)).reduce(into: [[MetricDimension]]()) {
            if !$0.contains($1) { $0.append($1) }
        }
        for _ in 0..<50 {
            var listing = previousSets.filter { _ in Int.random(in: 0..<10, using: &generator) > 0 }
            for _ in 0..<Int.random(in: 0..<8, using: &generator) {
                let from = Bool.random(using: &generator) || listing.isEmpty ? pool : listing
                let set = from[Int.random(in: 0..<from.count, using: &generator)]
                listing.insert(set, at: Int.random(in: 0...listing.count, using: &generator))
            }
            // As decoded from a new answer: equal sets, strings of their own.
            listing = listing.map { set in set.map { MetricDimension(name: $0.name, value: Self.fresh($0.value)) } }
            var previous = PreviousListing(previousSets, hash: { $0.reduce(0) { $0 &+ $1.value.utf8.count } })
            var reference: Set<[MetricDimension]> = []
            let expected = listing.filter { reference.insert($0).inserted }
            let admitted = Self.admitted(listing, into: &previous)
            #expect(admitted == expected)
            let shared = admitted.filter { set in previousSets.contains(set) }
            #expect(shared.allSatisfy { set in previousSets.contains { Self.sameStorage($0, set) } })
        }
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
