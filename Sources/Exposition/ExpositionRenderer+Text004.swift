extension ExpositionRenderer {
    /// Text format 0.0.4 as simpleclient's `TextFormat.write004`: counters are announced as `x_total`, and their
    /// `x_created` samples are collected into separate gauge families written after everything else, sorted by
    /// name (simpleclient keeps them in a `TreeMap`).
    static func renderText004(_ families: [MetricFamily], filter: Set<String>?, into writer: inout ChunkWriter) {
        var createdFamilies: [String: MetricFamily] = [:]
        for family in families {
            guard let samples = filteredSamples(family, filter: filter) else { continue }
            let createdName = family.name + "_created"
            // A family that keeps its text, unless it is a counter or has `_created` samples (they move to the end).
            if filter == nil, family.type != .counter, let rendered = family.rendered,
                let bytes = rendered.bytes(
                    for: family,
                    format: .text004,
                    render: {
                        guard !samples.contains(where: { $0.name == createdName }) else { return nil }
                        var bytes: [UInt8] = []
                        // Reserved up front: grown by doubling, a 50,000-sample family's text was held twice
                        // while it was copied, and kept with up to twice its size.
                        bytes.reserveCapacity(
                            2 * family.name.utf8.count + family.help.utf8.count + 32 + sampleBytesBound(samples)
                        )
                        writeHeader004(name: family.name, help: family.help, type: family.type, into: &bytes)
                        for sample in samples { writeSample004(sample, into: &bytes) }
                        return bytes
                    }
                )
            {
                writer.append(kept: bytes)
                continue
            }
            let announcedName = family.type == .counter ? family.name + "_total" : family.name
            writeHeader004(name: announcedName, help: family.help, type: family.type, into: &writer.current)
            for sample in samples {
                if sample.name == createdName {
                    createdFamilies[
                        createdName,
                        default: MetricFamily(name: createdName, help: family.help, type: .gauge)
                    ]
                    .samples.append(sample)
                    continue
                }
                writeSample004(sample, into: &writer.current)
            }
        }
        for name in createdFamilies.keys.sorted(by: javaStringOrder) {
            guard let family = createdFamilies[name] else { continue }
            writeHeader004(name: family.name, help: family.help, type: .gauge, into: &writer.current)
            for sample in family.samples { writeSample004(sample, into: &writer.current) }
        }
    }

    private static func writeHeader004(name: String, help: String, type: MetricType, into bytes: inout [UInt8]) {
        bytes.append(contentsOf: "# HELP ".utf8)
        bytes.append(contentsOf: name.utf8)
        bytes.append(UInt8(ascii: " "))
        appendEscaped(help, escapeQuotes: false, into: &bytes)
        bytes.append(contentsOf: "\n# TYPE ".utf8)
        bytes.append(contentsOf: name.utf8)
        bytes.append(UInt8(ascii: " "))
        bytes.append(contentsOf: type.rawValue.utf8)
        bytes.append(UInt8(ascii: "\n"))
    }

    /// An upper bound of the bytes `writeSample004` writes for `samples` unless a label value needs escaping: a
    /// Java double takes at most 24 characters and an epoch in milliseconds at most 20.
    private static func sampleBytesBound(_ samples: [Sample]) -> Int {
        var total = 0
        for sample in samples {
            total += sample.name.utf8.count + 2 + 1 + 24 + 1 + 20 + 1
            for label in sample.labels {
                total += label.name.utf8.count + label.value.utf8.count + 4
            }
        }
        return total
    }

    private static func writeSample004(_ sample: Sample, into bytes: inout [UInt8]) {
        bytes.append(contentsOf: sample.name.utf8)
        if !sample.labels.isEmpty {
            bytes.append(UInt8(ascii: "{"))
            for label in sample.labels {
                bytes.append(contentsOf: label.name.utf8)
                bytes.append(contentsOf: "=\"".utf8)
                appendEscaped(label.value, escapeQuotes: true, into: &bytes)
                bytes.append(contentsOf: "\",".utf8)
            }
            bytes.append(UInt8(ascii: "}"))
        }
        bytes.append(UInt8(ascii: " "))
        JavaDouble.append(sample.value, to: &bytes)
        if let timestamp = sample.timestampMilliseconds {
            bytes.append(UInt8(ascii: " "))
            bytes.append(contentsOf: String(timestamp).utf8)
        }
        bytes.append(UInt8(ascii: "\n"))
    }

    /// Java `String.compareTo` order (UTF-16 code units), which is what a `TreeMap<String, …>` iterates in.
    static func javaStringOrder(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf16.lexicographicallyPrecedes(rhs.utf16)
    }

    /// Appends `text` escaping `\` and newline, and `"` too when `escapeQuotes` (label values, OpenMetrics HELP).
    static func appendEscaped(_ text: String, escapeQuotes: Bool, into bytes: inout [UInt8]) {
        let utf8 = text.utf8
        // Most values need no escaping: append them in one go.
        if !utf8.contains(where: {
            $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\n") || (escapeQuotes && $0 == UInt8(ascii: "\""))
        }) {
            bytes.append(contentsOf: utf8)
            return
        }
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "\\"): bytes.append(contentsOf: "\\\\".utf8)
            case UInt8(ascii: "\n"): bytes.append(contentsOf: "\\n".utf8)
            case UInt8(ascii: "\"") where escapeQuotes: bytes.append(contentsOf: "\\\"".utf8)
            default: bytes.append(byte)
            }
        }
    }
}
