import AWSCore
import AWSServices
import AWSTestSupport
import Testing

/// A listing's pages decode the sets they share with the previous listing as its arrays (``KnownDimensionSets``):
/// the result is always what the tree decoder makes of the page, only the storage is shared.
@Suite struct ListMetricsReuseTests {
    static func page(_ sets: [[MetricDimension]]) -> [UInt8] {
        let metrics = sets.map { set -> JSONValue in
            .object([
                "Namespace": .string("AWS/ELB"), "MetricName": .string("RequestCount"),
                "Dimensions": .array(set.map { .object(["Name": .string($0.name), "Value": .string($0.value)]) }),
            ])
        }
        return JSONValue.object(["Metrics": .array(metrics)]).serialized()
    }

    static func tree(_ bytes: [UInt8]) throws -> ListMetricsOutput {
        try CloudWatchJSONCoding.listMetricsOutput(JSONValue.parse(bytes))
    }

    static func sameStorage(_ left: [MetricDimension], _ right: [MetricDimension]) -> Bool {
        left.withUnsafeBufferPointer { l in right.withUnsafeBufferPointer { r in l.baseAddress == r.baseAddress } }
    }

    static func set(_ name: String, _ values: String...) -> [MetricDimension] {
        values.enumerated().map { MetricDimension(name: $0.offset == 0 ? name : "AvailabilityZone", value: $0.element) }
    }

    /// Values longer than a small string, so that each has storage of its own.
    static func name(_ index: Int) -> String { "k8s-default-service-\(index)-0123456789abcdef" }

    @Test func aPageOfTheKnownSetsIsThoseArrays() throws {
        let known = (0..<50).map { Self.set("LoadBalancerName", Self.name($0)) }
        let bytes = Self.page(known)
        let output = try CloudWatchJSONCoding.listMetricsOutput(bytes: bytes, knownSets: KnownDimensionSets(known))
        #expect(output == (try Self.tree(bytes)))
        #expect(zip(output.metrics, known).allSatisfy { Self.sameStorage($0.dimensions, $1) })
    }

    @Test func thePositionCarriesFromOnePageToTheNext() throws {
        let known = (0..<20).map { Self.set("LoadBalancerName", Self.name($0)) }
        let hint = KnownDimensionSets(known)
        let first = try CloudWatchJSONCoding.listMetricsOutput(bytes: Self.page(Array(known[..<8])), knownSets: hint)
        let second = try CloudWatchJSONCoding.listMetricsOutput(bytes: Self.page(Array(known[8...])), knownSets: hint)
        #expect(zip(first.metrics + second.metrics, known).allSatisfy { Self.sameStorage($0.dimensions, $1) })
    }

    /// A set added, one removed, one with a dimension more, one written with escapes: each decodes to its own value,
    /// and the known sets around them are still those arrays (the escaped one too: equal, though not byte for byte).
    @Test func setsThatDifferDecodeAsTheyAre() throws {
        let known = (0..<6).map { Self.set("LoadBalancerName", Self.name($0)) }
        let added = Self.set("LoadBalancerName", "new-\(Self.name(9))")
        let longer = Self.set("LoadBalancerName", Self.name(5), "us-east-1a")
        let listed = [known[0], added, known[1], known[3], known[4], longer]
        var bytes = Self.page(listed)
        let plain = Array("\"\(Self.name(4))\"".utf8)
        let escaped = Array("\"\\u006b8s-default-service-4-0123456789abcdef\"".utf8)
        let at = try #require(bytes.firstRange(of: plain))
        bytes.replaceSubrange(at, with: escaped)
        let output = try CloudWatchJSONCoding.listMetricsOutput(bytes: bytes, knownSets: KnownDimensionSets(known))
        #expect(output == (try Self.tree(bytes)))
        #expect(output.metrics.map(\.dimensions) == listed)
        let reused = output.metrics.map { metric in known.contains { Self.sameStorage($0, metric.dimensions) } }
        #expect(reused == [true, false, true, true, true, false])
    }

    /// Seeded listings drifting from the known one (moves, insertions, removals, changed values, dimension counts,
    /// names, non-string values): every page decodes to the tree decoder's answer.
    @Test func randomDriftDecodesAsTheTreeDoes() throws {
        var generator = SplitMix64(seed: 0x5E75)
        var reused = 0
        for _ in 0..<60 {
            let known = (0..<Int(generator.next() % 200)).map { index -> [MetricDimension] in
                (0..<Int(generator.next() % 3)).map { dimension in
                    MetricDimension(
                        name: ["LoadBalancer", "TargetGroup", "AvailabilityZone"][dimension],
                        value: "value-\(generator.next() % 50)-\(index)-0123456789"
                    )
                }
            }
            var listed = known
            for _ in 0..<Int(generator.next() % 8) {
                guard !listed.isEmpty else { break }
                let position = Int(generator.next() % UInt64(listed.count))
                switch generator.next() % 5 {
                case 0: listed.remove(at: position)
                case 1: listed.insert(listed[Int(generator.next() % UInt64(listed.count))], at: position)
                case 2: if !listed[position].isEmpty { listed[position][0].value += "x" }
                case 3: listed[position].append(MetricDimension(name: "AvailabilityZone", value: "us-east-1b"))
                default: if !listed[position].isEmpty { listed[position][0].name = "Other" }
                }
            }
            var bytes = Self.page(listed)
            if generator.next() % 4 == 0, let at = bytes.firstRange(of: Array("\"value-".utf8)) {
                bytes.replaceSubrange(at, with: Array("7, \"Unused\": \"value-".utf8))
            }
            let hint = KnownDimensionSets(known)
            let output = try CloudWatchJSONCoding.listMetricsOutput(bytes: bytes, knownSets: hint)
            #expect(output == (try Self.tree(bytes)))
            reused += output.metrics.count { metric in
                !metric.dimensions.isEmpty && known.contains { Self.sameStorage($0, metric.dimensions) }
            }
        }
        #expect(reused > 1_000)
    }
}
