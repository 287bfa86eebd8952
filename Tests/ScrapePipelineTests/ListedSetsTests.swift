import AWSServices
import AWSTestSupport
import Testing

@testable import ScrapePipeline

/// A listing's sets are kept once each, whatever their hashes: equal sets by value, different sets even when their
/// hashes collide.
@Suite struct ListedSetsTests {
    static func set(_ values: String...) -> [MetricDimension] {
        values.enumerated().map { MetricDimension(name: "D\($0.offset)", value: $0.element) }
    }

    /// Whether each of `sets` was kept, inserted in order.
    static func kept(_ sets: [[MetricDimension]], into listed: inout ListedSets) -> [Bool] {
        sets.map { listed.insert($0) }
    }

    @Test func aSetListedAgainIsNotKeptTwice() {
        var listed = ListedSets()
        let sets = [Self.set("a"), Self.set("b"), Self.set("a", "b"), Self.set("a"), Self.set("a", "b")]
        let kept = Self.kept(sets, into: &listed)
        #expect(kept == [true, true, true, false, false])
        #expect(listed.count == 3)
    }

    @Test func setsWhoseHashesCollideAreComparedByValue() {
        var listed = ListedSets(hash: { $0.count })
        let sets = ["a", "b", "c", "d"].map { Self.set($0) }
        let first = Self.kept(sets, into: &listed)
        let again = Self.kept(sets.reversed(), into: &listed)
        let longer = Self.kept([Self.set("a", "b"), Self.set("a", "b")], into: &listed)
        #expect(first == [true, true, true, true])
        #expect(again == [false, false, false, false])
        #expect(longer == [true, false])
        #expect(listed.count == 5)
    }

    /// Against `Set`, on seeded random listings with repeats and a hash that collides often.
    @Test(arguments: [1, 2, 3])
    func keepsWhatASetKeeps(seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        var listed = ListedSets(hash: { $0.reduce(0) { $0 &+ $1.value.utf8.count } })
        var reference: Set<[MetricDimension]> = []
        for _ in 0..<2_000 {
            let count = Int.random(in: 1...2, using: &generator)
            let set = (0..<count).map { _ in String(Int.random(in: 0..<40, using: &generator)) }
            let dimensions = set.enumerated().map { MetricDimension(name: "D\($0.offset)", value: $0.element) }
            let kept = listed.insert(dimensions)
            #expect(kept == reference.insert(dimensions).inserted)
        }
        #expect(listed.count == reference.count)
    }
}
