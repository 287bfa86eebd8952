import AWSServices
import AWSTestSupport
import Testing

@testable import ScrapePipeline

/// A datapoint's statistics (the first inline, the rest in an array) behave as the ordered list they stand for.
@Suite struct DimensionSetDataValuesTests {
    @Test func seededEditsMatchAnOrderedList() {
        var generator = SplitMix64(seed: 0xDA7A)
        let statistics = ["Sum", "Average", "Maximum", "p99"]
        for _ in 0..<500 {
            var data = DimensionSetData(dimensions: [], timestamp: nil, unit: "N/A")
            var model: [(String, Double)] = []
            for _ in 0..<Int(generator.next() % 12) {
                let statistic = statistics[Int(generator.next() % UInt64(statistics.count))]
                let value: Double? = generator.next() % 3 == 0 ? nil : Double(generator.next() % 100)
                data[statistic] = value
                let index = model.firstIndex { $0.0 == statistic }
                switch (index, value) {
                case (let index?, let value?): model[index].1 = value
                case (let index?, nil): model.remove(at: index)
                case (nil, let value?): model.append((statistic, value))
                case (nil, nil): break
                }
                #expect(data.values.map(\.statistic) == model.map(\.0))
                #expect(data.values.map(\.value) == model.map(\.1))
                #expect(data.values.count == model.count)
                for statistic in statistics {
                    #expect(data[statistic] == model.first { $0.0 == statistic }?.1)
                }
            }
        }
    }

    @Test func orderDoesNotMatterToEquality() {
        var left = DimensionSetData(dimensions: [], timestamp: nil, unit: "N/A")
        var right = left
        left["Sum"] = 1
        left["Average"] = 2
        right["Average"] = 2
        right["Sum"] = 1
        #expect(left == right)
        right["Sum"] = 3
        #expect(left != right)
    }
}
