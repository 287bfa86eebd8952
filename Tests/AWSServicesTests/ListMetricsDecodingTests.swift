import AWSCore
import AWSServices
import AWSTestSupport
import Foundation
import Testing

/// ListMetrics pages are decoded as they are read (JSONReader), for speed at fleet scale; every page must decode to
/// what the JSONValue-tree decoder makes of it, or fail where that fails.
@Suite struct ListMetricsDecodingTests {
    static func streamed(_ bytes: [UInt8]) -> ListMetricsOutput? {
        try? CloudWatchJSONCoding.listMetricsOutput(bytes: bytes)
    }

    static func tree(_ bytes: [UInt8]) -> ListMetricsOutput? {
        (try? JSONValue.parse(bytes)).flatMap { try? CloudWatchJSONCoding.listMetricsOutput($0) }
    }

    static let valid = """
        {"Metrics": [{"Namespace": "AWS/ApplicationELB", "MetricName": "RequestCount", "Dimensions": [{"Name": \
        "TargetGroup", "Value": "targetgroup/k8s-shop-cart-0123456789/73e2d6bc24d8a067"}, {"Name": "LoadBalancer", \
        "Value": "app/k8s-shop-front/50dc6c495c0c9188"}], "Extra": {"x": [1, {"y": null}]}}, {"Namespace": \
        "AWS/ApplicationELB", "MetricName": "RequestCount", "Dimensions": []}, {"Namespace": "AWS/ELB", \
        "MetricName": "Latency", "Dimensions": [{"Name": "LoadBalancerName", "Value": 7}]}], "NextToken": "AAEA=="}
        """

    @Test(arguments: [
        "cloudwatch-json-ListMetrics.txt", "cloudwatch-json-ListMetrics-page1.txt",
        "cloudwatch-json-ListMetrics-page2.txt",
    ])
    func theWireFixturesDecodeAsTheTreeDoes(name: String) throws {
        let body = try WireFixture.load(name).response.body
        let streamed = try CloudWatchJSONCoding.listMetricsOutput(bytes: body)
        #expect(streamed == Self.tree(body))
        #expect(!streamed.metrics.isEmpty)
    }

    @Test func aValidPageDecodesWhole() throws {
        let output = try #require(Self.streamed(Array(Self.valid.utf8)))
        #expect(output == Self.tree(Array(Self.valid.utf8)))
        #expect(output.metrics.count == 3)
        #expect(output.metrics[0].dimensions.map(\.name) == ["TargetGroup", "LoadBalancer"])
        #expect(output.metrics[2].dimensions == [MetricDimension(name: "LoadBalancerName", value: "")])
        #expect(output.nextToken == "AAEA==")
    }

    /// Shapes the streamed decoder does not expect are decoded again from the tree: the outcome is the tree's.
    @Test(arguments: [
        #"{"Metrics": null}"#, #"{"Metrics": "none"}"#, #"{"Metrics": [1]}"#,
        #"{"Metrics": [{"MetricName": "A"}]}"#, #"{"Metrics": [{"Namespace": "N"}]}"#,
        #"{"Metrics": [{"Namespace": 1, "MetricName": "A"}]}"#,
        #"{"Metrics": [{"Namespace": "N", "MetricName": "A", "Dimensions": null}]}"#,
        #"{"Metrics": [{"Namespace": "N", "MetricName": "A", "Dimensions": [{"Value": "v"}]}]}"#,
        #"{"Metrics": [{"Namespace": "N", "MetricName": "A", "Dimensions": [{"Name": 1}]}]}"#,
        #"{"Metrics": [{"Namespace": "N", "MetricName": "A", "Dimensions": 5}]}"#,
        #"{"Metrics": [{"Namespace": "N", "MetricName": "A"}], "Metrics": []}"#,
        #"{"Metrics": [], "NextToken": 3}"#, #"{"Metrics": [], "NextToken": ""}"#,
        #"[]"#, #""text""#, #"null"#, #"{}"#, #"{"#, #"{"Metrics": [{"Namespace": "N", "MetricName": "A"}]"#,
        #"{"Metrics": []} x"#, "  {\"Metrics\":[ ]}\n", "",
    ])
    func aPageDecodesOrFailsAsTheTreeDecoderDoes(text: String) {
        #expect(Self.streamed(Array(text.utf8)) == Self.tree(Array(text.utf8)))
    }

    /// Thousands of seeded mutations of a valid page: each decodes, or fails, as the tree decoder does.
    @Test func mutatedPagesDecodeAsTheTreeDoes() {
        var generator = SplitMix64(seed: 0x115D)
        let base = Array(Self.valid.utf8)
        let alphabet = Array(#"{}[]:,"\ 0123456789nulltrueNameValueDimensionsNamespaceMetricName"#.utf8)
        var decodedAlike = 0
        for _ in 0..<3_000 {
            var bytes = base
            for _ in 0..<Int(generator.next() % 3 + 1) {
                let position = Int(generator.next() % UInt64(bytes.count))
                switch generator.next() % 3 {
                case 0: bytes.remove(at: position)
                case 1: bytes.insert(alphabet[Int(generator.next() % UInt64(alphabet.count))], at: position)
                default: bytes[position] = alphabet[Int(generator.next() % UInt64(alphabet.count))]
                }
                if bytes.isEmpty { bytes = base }
            }
            let streamed = Self.streamed(bytes)
            #expect(streamed == Self.tree(bytes), "\(String(decoding: bytes, as: UTF8.self))")
            if streamed != nil { decodedAlike += 1 }
        }
        #expect(decodedAlike > 100)
    }

    /// Seeded random pages of the shape AWS sends, up to 500 metrics: the streamed decoding equals the tree's.
    @Test func randomPagesDecodeAsTheTreeDoes() throws {
        var generator = SplitMix64(seed: 0xF1EE7)
        for _ in 0..<50 {
            let count = Int(generator.next() % 500)
            let metrics = (0..<count).map { index -> JSONValue in
                let dimensions = (0..<Int(generator.next() % 3)).map { dimension -> JSONValue in
                    .object([
                        "Name": .string(["LoadBalancer", "TargetGroup", "AvailabilityZone"][dimension]),
                        "Value": .string("v\(generator.next() % 1_000_000)-\(index)"),
                    ])
                }
                return .object([
                    "Namespace": .string("AWS/ApplicationELB"), "MetricName": .string("RequestCount"),
                    "Dimensions": .array(dimensions),
                ])
            }
            var page: [String: JSONValue] = ["Metrics": .array(metrics)]
            if generator.next() % 2 == 0 { page["NextToken"] = .string("token-\(generator.next())") }
            let bytes = JSONValue.object(page).serialized()
            let streamed = try CloudWatchJSONCoding.listMetricsOutput(bytes: bytes)
            #expect(streamed == Self.tree(bytes))
            #expect(streamed.metrics.count == count)
        }
    }
}
