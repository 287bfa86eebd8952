import AWSCore
import AWSServices
import Foundation
import Testing

/// The GetMetricData body is written straight into bytes (JSONWriter) for speed; it must be the bytes the JSONValue
/// tree gives, which the wire fixtures pin.
@Suite struct GetMetricDataBodyTests {
    static func input(token: String?, labels: Bool, dimensions pairs: [(String, String)]) -> GetMetricDataInput {
        let dimensions = pairs.map { MetricDimension(name: $0.0, value: $0.1) }
        return GetMetricDataInput(
            queries: (0..<3).map { index in
                MetricDataQuery(
                    id: "q\(index)",
                    metric: CloudWatchMetric(
                        namespace: "AWS/ELB",
                        metricName: "Request\"Count\\",
                        dimensions: dimensions
                    ),
                    period: 60 * (index + 1),
                    stat: index == 2 ? "p99.9" : "Sum",
                    label: labels ? "Sum/LoadBalancerName=lb-\(index)\n\u{1}é" : nil
                )
            },
            startTime: Date(timeIntervalSince1970: 1_768_474_800),
            endTime: Date(timeIntervalSince1970: 1_768_475_400.5),
            nextToken: token
        )
    }

    @Test(arguments: [
        (nil as String?, true, [("LoadBalancerName", "a1\"b"), ("AZ", "x")]),
        ("token/+=", false, []),
        ("", true, [("TargetGroup", "targetgroup/t/1")]),
    ])
    func writtenBodyIsTheTreesBytes(token: String?, labels: Bool, dimensions: [(String, String)]) {
        let input = Self.input(token: token, labels: labels, dimensions: dimensions)
        #expect(CloudWatchJSONCoding.getMetricDataBody(input) == CloudWatchJSONCoding.getMetricData(input).serialized())
    }
}
