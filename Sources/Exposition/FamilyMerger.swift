/// Merges families that share a name, so the output never has a second HELP/TYPE for one name (upstream emits
/// one per rule and Prometheus then rejects the whole scrape: cloudwatch_exporter issues #18, #65, #79).
public enum FamilyMerger {
    /// Families with the same name become one, at the position of the first: its HELP and TYPE win, samples are
    /// appended in order, and within a merged family a sample whose name and label set (order-insensitive) were
    /// already seen is dropped. Families whose name occurs once are returned unchanged.
    public static func merge(_ families: [MetricFamily]) -> [MetricFamily] {
        var indexByName: [String: Int] = [:]
        indexByName.reserveCapacity(families.count)
        var merged: [MetricFamily] = []
        merged.reserveCapacity(families.count)
        var duplicatedIndices: Set<Int> = []
        for family in families {
            if let index = indexByName[family.name] {
                merged[index].samples.append(contentsOf: family.samples)
                duplicatedIndices.insert(index)
            } else {
                indexByName[family.name] = merged.count
                merged.append(family)
            }
        }
        for index in duplicatedIndices {
            merged[index].samples = uniqueSeries(merged[index].samples)
        }
        return merged
    }

    private struct SeriesKey: Hashable {
        var name: String
        var labels: [String]
    }

    private static func uniqueSeries(_ samples: [Sample]) -> [Sample] {
        var seen: Set<SeriesKey> = []
        seen.reserveCapacity(samples.count)
        return samples.filter { sample in
            let pairs = sample.labels.sorted { ($0.name, $0.value) < ($1.name, $1.value) }
            let key = SeriesKey(name: sample.name, labels: pairs.flatMap { [$0.name, $0.value] })
            return seen.insert(key).inserted
        }
    }
}
