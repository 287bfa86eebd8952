import AWSCore
import AWSServices
import AWSTestSupport
import Foundation
import Testing

/// GetMetricData answers are decoded as they are read (JSONReader), for speed; every answer must decode to what the
/// JSONValue-tree decoder makes of it, or fail where that fails.
@Suite struct GetMetricDataDecodingTests {
    static func streamed(_ text: String) -> GetMetricDataOutput? {
        try? CloudWatchJSONCoding.getMetricDataOutput(bytes: Array(text.utf8))
    }

    static func tree(_ text: String) -> GetMetricDataOutput? {
        (try? JSONValue.parse(Array(text.utf8))).flatMap { try? CloudWatchJSONCoding.getMetricDataOutput($0) }
    }

    static let valid = """
        {"MetricDataResults": [{"Id": "q0", "Label": "Sum/LoadBalancerName=a", "Timestamps": [1768474920.0, \
        1.76847486E9], "Values": [1520.0, -2.5e-3], "StatusCode": "PartialData", "Extra": {"x": [1, {"y": null}]}}, \
        {"Id": "q1", "Timestamps": [], "Values": [], "Messages": [{"Code": "ArithmeticError", "Value": "dropped"}]}], \
        "NextToken": "AAEA==", "Messages": [{"Value": "only text"}]}
        """

    @Test func theWireFixtureDecodesAsTheTreeDoes() throws {
        let fixture = try WireFixture.load("cloudwatch-json-GetMetricData.txt")
        let streamed = try CloudWatchJSONCoding.getMetricDataOutput(bytes: fixture.response.body)
        #expect(streamed == (try CloudWatchJSONCoding.getMetricDataOutput(JSONValue.parse(fixture.response.body))))
        #expect(!streamed.results.isEmpty)
    }

    @Test func aValidAnswerDecodesWhole() throws {
        let output = try #require(Self.streamed(Self.valid))
        #expect(output == Self.tree(Self.valid))
        #expect(output.results.map(\.id) == ["q0", "q1"])
        #expect(output.results[0].values == [1520.0, -0.0025])
        #expect(output.results[0].timestamps.map(\.timeIntervalSince1970) == [1_768_474_920, 1_768_474_860])
        #expect(output.results[0].statusCode == "PartialData")
        #expect(output.results[1].statusCode == "Complete")
        #expect(output.results[1].messages == ["ArithmeticError: dropped"])
        #expect(output.nextToken == "AAEA==")
        #expect(output.messages == ["only text"])
    }

    /// Shapes the streamed decoder does not expect are decoded again from the tree: the outcome is the tree's.
    @Test(arguments: [
        #"{"MetricDataResults": null}"#,
        #"{"MetricDataResults": "none"}"#,
        #"{"MetricDataResults": [1]}"#,
        #"{"MetricDataResults": [{"Timestamps": [], "Values": []}]}"#,
        #"{"MetricDataResults": [{"Id": 7}]}"#,
        #"{"MetricDataResults": [{"Id": "a", "Timestamps": [1], "Values": []}]}"#,
        #"{"MetricDataResults": [{"Id": "a", "Timestamps": ["1"], "Values": [1]}]}"#,
        #"{"MetricDataResults": [{"Id": "a", "Timestamps": [1e300], "Values": [1]}]}"#,
        #"{"MetricDataResults": [{"Id": "a", "Timestamps": null, "Values": null}]}"#,
        #"{"MetricDataResults": [{"Id": "a", "Timestamps": 5, "Values": []}]}"#,
        #"{"MetricDataResults": [{"Id": "a", "Timestamps": [1], "Values": [1], "Timestamps": []}]}"#,
        #"{"MetricDataResults": [{"Id": "a"}], "MetricDataResults": [{"Id": "b"}]}"#,
        #"{"MetricDataResults": [{"Id": "a"}], "MetricDataResults": [{}]}"#,
        #"{"MetricDataResults": [{"Id": "a"}], "NextToken": 3, "Messages": "x"}"#,
        #"{"MetricDataResults": [{"Id": "a", "StatusCode": 1, "Label": [], "Messages": [1, {"Code": 2}]}]}"#,
        #"[]"#, #""text""#, #"null"#, #"{}"#, #"{"#, #"{"MetricDataResults": [{"Id": "a"}]"#,
        #"{"MetricDataResults": [{"Id": "a"}]} x"#, #"{"MetricDataResults": [{"Id": "a",}]}"#,
        "  {\"MetricDataResults\":[ ]}\n", "",
    ])
    func anAnswerDecodesOrFailsAsTheTreeDecoderDoes(text: String) {
        #expect(Self.streamed(text) == Self.tree(text))
    }

    @Test func nestingBeyondTheLimitFailsAsTheTreeDoes() {
        let deep =
            #"{"MetricDataResults": [{"Id": "a", "X": "# + String(repeating: "[", count: 200)
            + String(repeating: "]", count: 200) + "}]}"
        #expect(Self.tree(deep) == nil)
        #expect(Self.streamed(deep) == nil)
    }

    /// A malformed document throws the parser's error, so the caller reports a malformed answer with the
    /// response's status and request id, as it does for every other JSON answer.
    @Test func aSyntaxErrorIsAJSONParseError() {
        #expect(throws: JSONParseError.self) {
            try CloudWatchJSONCoding.getMetricDataOutput(bytes: Array(#"{"MetricDataResults": [}"#.utf8))
        }
    }

    /// Thousands of mutations of a valid answer (seeded, so every run tries the same ones): each decodes, or fails,
    /// as the tree decoder does.
    @Test func mutatedAnswersDecodeAsTheTreeDoes() {
        var generator = SplitMix64(seed: 0x5EED)
        let base = Array(Self.valid.utf8)
        let alphabet = Array(#"{}[]:,"\ 0123456789.eE-+nulltruefalseIdTimestampsValues"#.utf8)
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
            let text = String(decoding: bytes, as: UTF8.self)
            let streamed = try? CloudWatchJSONCoding.getMetricDataOutput(bytes: bytes)
            let tree = (try? JSONValue.parse(bytes)).flatMap { try? CloudWatchJSONCoding.getMetricDataOutput($0) }
            #expect(streamed == tree, "\(text)")
            if streamed != nil { decodedAlike += 1 }
        }
        // The mutations must also reach answers that still decode, or this compares failures only.
        #expect(decodedAlike > 100)
    }
}
