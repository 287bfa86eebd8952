/// Renders metric families byte-for-byte as simpleclient 0.16.0's `TextFormat` does.
public enum ExpositionRenderer {
    /// Renders `families` in `format`.
    ///
    /// - Parameter nameFilter: the `name[]` query parameters (sample names); `nil` means no filter. As in
    ///   simpleclient, only samples whose name is in the set are kept, families left without samples are dropped,
    ///   and an empty set is no restriction (simpleclient's `restrictToNamesEqualTo` ignores an empty list).
    public static func render(_ families: [MetricFamily], format: ExpositionFormat, nameFilter: Set<String>?) -> [UInt8]
    {
        let filter = nameFilter.flatMap { $0.isEmpty ? nil : $0 }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(estimatedSize(of: families))
        switch format {
        case .text004:
            renderText004(families, filter: filter, into: &bytes)
        case .openMetrics100:
            renderOpenMetrics(families, filter: filter, into: &bytes)
        }
        return bytes
    }

    /// A generous guess of the output size, so appending never reallocates for typical outputs.
    private static func estimatedSize(of families: [MetricFamily]) -> Int {
        var total = 16
        for family in families {
            total += 2 * family.name.utf8.count + family.help.utf8.count + 40
            for sample in family.samples {
                total += sample.name.utf8.count + 48
                for label in sample.labels {
                    total += label.name.utf8.count + label.value.utf8.count + 4
                }
            }
        }
        return total
    }

    /// The samples of `family` that pass the filter, or `nil` when the family is dropped by the filter.
    static func filteredSamples(_ family: MetricFamily, filter: Set<String>?) -> [Sample]? {
        guard let filter else { return family.samples }
        let kept = family.samples.filter { filter.contains($0.name) }
        return kept.isEmpty ? nil : kept
    }
}
