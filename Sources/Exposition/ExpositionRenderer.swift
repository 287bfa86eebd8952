/// Renders metric families byte-for-byte as simpleclient 0.16.0's `TextFormat` does.
public enum ExpositionRenderer {
    /// Renders `families` in `format`.
    ///
    /// - Parameter nameFilter: the `name[]` query parameters (sample names); `nil` means no filter. As in
    ///   simpleclient, only samples whose name is in the set are kept, families left without samples are dropped,
    ///   and an empty set is no restriction (simpleclient's `restrictToNamesEqualTo` ignores an empty list).
    public static func render(_ families: [MetricFamily], format: ExpositionFormat, nameFilter: Set<String>?) -> [UInt8]
    {
        let chunks = renderChunks(families, format: format, nameFilter: nameFilter)
        if chunks.count == 1, let only = chunks.first { return only }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(chunks.reduce(0) { $0 + $1.count })
        for chunk in chunks { bytes += chunk }
        return bytes
    }

    /// The output of ``render(_:format:nameFilter:)`` in pieces, to be written one after the other: a family that
    /// keeps its text (``MetricFamily/rendered``) is a piece of its own, shared with that cache rather than copied
    /// (so a large output is neither formatted again nor held twice), and the families between such pieces are
    /// rendered into pieces of their own.
    public static func renderChunks(_ families: [MetricFamily], format: ExpositionFormat, nameFilter: Set<String>?)
        -> [[UInt8]]
    {
        let filter = nameFilter.flatMap { $0.isEmpty ? nil : $0 }
        var writer = ChunkWriter(capacity: estimatedSize(of: families, cached: filter == nil))
        switch format {
        case .text004:
            renderText004(families, filter: filter, into: &writer)
        case .openMetrics100:
            renderOpenMetrics(families, filter: filter, into: &writer)
        }
        return writer.finish()
    }

    /// Collects the pieces: text rendered here accumulates in `current` until a kept piece comes.
    struct ChunkWriter {
        var chunks: [[UInt8]] = []
        var current: [UInt8] = []

        init(capacity: Int) { current.reserveCapacity(capacity) }

        mutating func append(kept bytes: [UInt8]) {
            guard !bytes.isEmpty else { return }
            if !current.isEmpty {
                chunks.append(current)
                current = []
            }
            chunks.append(bytes)
        }

        mutating func finish() -> [[UInt8]] {
            if !current.isEmpty || chunks.isEmpty { chunks.append(current) }
            return chunks
        }
    }

    /// A generous guess of the output size of the families rendered here (those keeping their text excepted when
    /// `cached`), so appending never reallocates for typical outputs.
    private static func estimatedSize(of families: [MetricFamily], cached: Bool) -> Int {
        var total = 16
        for family in families {
            total += 2 * family.name.utf8.count + family.help.utf8.count + 40
            if cached, family.rendered != nil { continue }
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
