extension ExpositionRenderer {
    /// OpenMetrics 1.0.0 as simpleclient's `TextFormat.writeOpenMetrics100`: TYPE before HELP, HELP omitted when
    /// empty and escaped like a label value, no trailing label comma, timestamps in seconds, final `# EOF`.
    static func renderOpenMetrics(_ families: [MetricFamily], filter: Set<String>?, into writer: inout ChunkWriter) {
        for family in families {
            guard let samples = filteredSamples(family, filter: filter) else { continue }
            if filter == nil, let rendered = family.rendered,
                let bytes = rendered.bytes(
                    for: family,
                    format: .openMetrics100,
                    render: {
                        var bytes: [UInt8] = []
                        writeFamilyOpenMetrics(family, samples: samples, into: &bytes)
                        return bytes
                    }
                )
            {
                writer.append(kept: bytes)
                continue
            }
            writeFamilyOpenMetrics(family, samples: samples, into: &writer.current)
        }
        writer.current.append(contentsOf: "# EOF\n".utf8)
    }

    private static func writeFamilyOpenMetrics(_ family: MetricFamily, samples: [Sample], into bytes: inout [UInt8]) {
        bytes.append(contentsOf: "# TYPE ".utf8)
        bytes.append(contentsOf: family.name.utf8)
        bytes.append(UInt8(ascii: " "))
        bytes.append(contentsOf: openMetricsType(family.type).utf8)
        bytes.append(UInt8(ascii: "\n"))
        if !family.help.isEmpty {
            bytes.append(contentsOf: "# HELP ".utf8)
            bytes.append(contentsOf: family.name.utf8)
            bytes.append(UInt8(ascii: " "))
            appendEscaped(family.help, escapeQuotes: true, into: &bytes)
            bytes.append(UInt8(ascii: "\n"))
        }
        for sample in samples { writeSampleOpenMetrics(sample, into: &bytes) }
    }

    private static func openMetricsType(_ type: MetricType) -> String {
        switch type {
        case .gauge: "gauge"
        case .counter: "counter"
        case .untyped: "unknown"
        }
    }

    private static func writeSampleOpenMetrics(_ sample: Sample, into bytes: inout [UInt8]) {
        bytes.append(contentsOf: sample.name.utf8)
        if !sample.labels.isEmpty {
            bytes.append(UInt8(ascii: "{"))
            for (index, label) in sample.labels.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                bytes.append(contentsOf: label.name.utf8)
                bytes.append(contentsOf: "=\"".utf8)
                appendEscaped(label.value, escapeQuotes: true, into: &bytes)
                bytes.append(UInt8(ascii: "\""))
            }
            bytes.append(UInt8(ascii: "}"))
        }
        bytes.append(UInt8(ascii: " "))
        JavaDouble.append(sample.value, to: &bytes)
        if let timestamp = sample.timestampMilliseconds {
            bytes.append(UInt8(ascii: " "))
            appendSeconds(milliseconds: timestamp, into: &bytes)
        }
        bytes.append(UInt8(ascii: "\n"))
    }

    /// Writes integer milliseconds as seconds with exactly three decimals, computed on integers (no floating point)
    /// so `1675847100000` is `1675847100.000`. simpleclient mangles negative values (`-1.00-500`); we write
    /// `-1.500`.
    static func appendSeconds(milliseconds: Int64, into bytes: inout [UInt8]) {
        if milliseconds < 0 { bytes.append(UInt8(ascii: "-")) }
        let magnitude = milliseconds.magnitude
        JavaDouble.appendInteger(magnitude / 1000, to: &bytes)
        bytes.append(UInt8(ascii: "."))
        let fraction = magnitude % 1000
        if fraction < 100 { bytes.append(UInt8(ascii: "0")) }
        if fraction < 10 { bytes.append(UInt8(ascii: "0")) }
        JavaDouble.appendInteger(fraction, to: &bytes)
    }
}
