import AWSServices
import AWSTestSupport
import ResourceTags
import Testing

/// The tag cache's compact records answer every look-up as a dictionary of the same records would.
@Suite struct LoadBalancerRecordsTests {
    static func record(_ value: String, tag: String = "") -> LoadBalancerRecord {
        LoadBalancerRecord(
            kind: .classic,
            name: value,
            dimensionValue: value,
            arn: nil,
            tags: [AWSTag(key: "kubernetes.io/service-name", value: tag)]
        )
    }

    @Test func emptyFindsNothing() {
        let records = LoadBalancerRecords()
        #expect(records["a"] == nil)
        #expect(records.isEmpty && records.count == 0)
        #expect(LoadBalancerRecords([])["a"] == nil)
    }

    /// Seeded fleets with repeated dimension values (the last one kept, as dictionary assignment keeps it) and
    /// look-ups of values that are and are not there: the same answers as a dictionary, the values sorted.
    @Test(arguments: [1, 2, 3, 7, 64, 1_000, 5_000])
    func answersAsADictionaryDoes(count: Int) {
        var generator = SplitMix64(seed: UInt64(count))
        var listed: [LoadBalancerRecord] = []
        var dictionary: [String: LoadBalancerRecord] = [:]
        for index in 0..<count {
            let value = "lb-\(generator.next() % UInt64(count * 2))"
            let record = Self.record(value, tag: "svc-\(index)")
            listed.append(record)
            dictionary[value] = record
        }
        let records = LoadBalancerRecords(listed)
        #expect(records.count == dictionary.count)
        #expect(records.values.map(\.dimensionValue) == dictionary.keys.sorted())
        for probe in 0..<(count * 3) {
            let value = "lb-\(probe)"
            #expect(records[value] == dictionary[value], "\(value)")
        }
        #expect(records[""] == nil)
    }
}
