import Exposition
import Testing

/// A family that keeps its text renders exactly as one that does not, in both formats and in pieces, and its kept
/// text is used only for the samples it was rendered from.
@Suite struct RenderedFamilyTests {
    private func text(_ families: [MetricFamily], _ format: ExpositionFormat, filter: Set<String>? = nil) -> String {
        String(decoding: ExpositionRenderer.render(families, format: format, nameFilter: filter), as: UTF8.self)
    }

    /// The example scrape with every family keeping its text.
    private static func keeping(_ families: [MetricFamily]) -> [MetricFamily] {
        families.map { family in
            var family = family
            family.rendered = RenderedFamily()
            return family
        }
    }

    private static func gauge(_ name: String, _ values: [Double]) -> MetricFamily {
        MetricFamily(
            name: name,
            help: "a gauge",
            type: .gauge,
            samples: values.enumerated().map { index, value in
                Sample(
                    name: name,
                    labels: [("set", "s\(index)")],
                    value: value,
                    timestampMilliseconds: 1_700_000_000_000
                )
            }
        )
    }

    @Test(arguments: [ExpositionFormat.text004, .openMetrics100])
    func keptTextIsTheTextRenderedAfresh(format: ExpositionFormat) {
        let plain = GoldenFamilies.exampleScrape
        let kept = Self.keeping(plain)
        let expected = text(plain, format)
        // The first render fills the caches, the second reads them; both are byte-identical to a plain render.
        #expect(text(kept, format) == expected)
        #expect(text(kept, format) == expected)
        let pieces = ExpositionRenderer.renderChunks(kept, format: format, nameFilter: nil)
        #expect(String(decoding: pieces.joined(), as: UTF8.self) == expected)
        #expect(pieces.count > 1)
        // A filter renders afresh from the samples.
        let filter: Set<String> = ["cloudwatch_exporter_scrape_error", "cloudwatch_requests_created"]
        #expect(text(kept, format, filter: filter) == text(plain, format, filter: filter))
    }

    @Test func changedSamplesAreRenderedAfresh() {
        var family = Self.gauge("aws_elb_request_count_sum", [1, 2])
        family.rendered = RenderedFamily()
        let before = text([family], .text004)
        #expect(before.contains("s1\",} 2.0 1700000000000"))
        // Changed in place: a copy of the samples the cache does not hold.
        family.samples[1].value = 3
        #expect(text([family], .text004) == text([Self.gauge("aws_elb_request_count_sum", [1, 3])], .text004))
        // Merged with another family of the same name, the merged samples are rendered.
        var first = Self.gauge("aws_elb_request_count_sum", [1])
        first.rendered = RenderedFamily()
        _ = text([first], .openMetrics100)
        let second = Self.gauge("aws_elb_request_count_sum", [5, 6])
        let merged = FamilyMerger.merge([first, second])
        #expect(
            text(merged, .openMetrics100)
                == text(FamilyMerger.merge([Self.gauge("aws_elb_request_count_sum", [1]), second]), .openMetrics100)
        )
        #expect(text(merged, .openMetrics100).contains("set=\"s1\"} 6.0"))
    }

    /// A gauge with a sample named `<name>_created` is not kept: text 0.0.4 moves that sample to the end.
    @Test func aGaugeWithCreatedSamplesIsRenderedAsBefore() {
        var family = MetricFamily(
            name: "x",
            help: "h",
            type: .gauge,
            samples: [Sample(name: "x", value: 1), Sample(name: "x_created", value: 2)]
        )
        let other = Self.gauge("y", [3])
        let expected = text([family, other], .text004)
        family.rendered = RenderedFamily()
        #expect(text([family, other], .text004) == expected)
        #expect(text([family, other], .text004) == expected)
    }
}
