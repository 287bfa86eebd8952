import AWSCore
import AWSServices
import AWSTestSupport
import Foundation
import Testing

/// Compares the two CloudWatch protocols on a full GetMetricData page: 500 queries with 60 datapoints each
/// (one hour at one minute). Prints bytes on the wire and decode time; docs/aws.md records the figures.
@Suite(.heavy) struct CloudWatchProtocolBenchmark {
    static let queryCount = 500
    static let pointsPerQuery = 60
    static let start = Date(timeIntervalSince1970: 1_768_474_800)

    static var queries: [MetricDataQuery] {
        (0..<queryCount).map { index in
            MetricDataQuery(
                id: "m\(index)",
                metric: CloudWatchMetric(
                    namespace: "AWS/ApplicationELB",
                    metricName: "RequestCount",
                    dimensions: [
                        MetricDimension(name: "LoadBalancer", value: "app/k8s-team-service-\(index)/50dc6c495c0c9188"),
                        MetricDimension(name: "AvailabilityZone", value: "us-east-1a"),
                    ]
                ),
                period: 60,
                stat: "Sum"
            )
        }
    }

    /// An AWS-shaped Query answer (ISO timestamps, `<member>` lists).
    static func xmlAnswer() -> [UInt8] {
        var text =
            #"<GetMetricDataResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><GetMetricDataResult><MetricDataResults>"#
        for index in 0..<queryCount {
            text += "<member><Id>m\(index)</Id><Label>RequestCount</Label><Timestamps>"
            for point in 0..<pointsPerQuery {
                text += "<member>\(AWSTimestamp.iso8601(start.addingTimeInterval(Double(3540 - point * 60))))</member>"
            }
            text += "</Timestamps><Values>"
            for point in 0..<pointsPerQuery { text += "<member>\(Double(1000 + point * 7 + index))</member>" }
            text += "</Values><StatusCode>Complete</StatusCode></member>"
        }
        text +=
            "</MetricDataResults><Messages/></GetMetricDataResult><ResponseMetadata><RequestId>3c5b7a4e-1f7e-4f0e-9d3a-0e1f2a3b4c5d</RequestId></ResponseMetadata></GetMetricDataResponse>"
        return Array(text.utf8)
    }

    /// An AWS-shaped JSON 1.0 answer (epoch seconds in exponent notation, as AWS sends them).
    static func jsonAnswer() -> [UInt8] {
        var text = #"{"MetricDataResults":["#
        for index in 0..<queryCount {
            if index > 0 { text += "," }
            text += #"{"Id":"m\#(index)","Label":"RequestCount","Timestamps":["#
            text += (0..<pointsPerQuery).map { point in
                let seconds = start.timeIntervalSince1970 + Double(3540 - point * 60)
                return String(format: "%.8E", seconds).replacingOccurrences(of: "E+0", with: "E")
            }.joined(separator: ",")
            text += #"],"Values":["#
            text += (0..<pointsPerQuery).map { "\(Double(1000 + $0 * 7 + index))" }.joined(separator: ",")
            text += #"],"StatusCode":"Complete"}"#
        }
        text += #"],"Messages":[]}"#
        return Array(text.utf8)
    }

    func measure(_ wire: AWSWireProtocol, answer: [UInt8], runs: Int = 5) async throws -> (
        requestBytes: Int, seconds: Double, output: GetMetricDataOutput
    ) {
        let input = GetMetricDataInput(
            queries: Self.queries,
            startTime: Self.start,
            endTime: Self.start.addingTimeInterval(3600)
        )
        var best = Double.infinity
        var output: GetMetricDataOutput?
        var requestBytes = 0
        for _ in 0..<runs {
            let transport = ScriptedTransport([HTTPResponse(status: 200, body: answer)])
            let client = Harness.cloudWatch(transport, wire)
            let clock = ContinuousClock()
            let started = clock.now
            output = try await client.getMetricData(input, deadline: nil)
            let elapsed = started.duration(to: clock.now)
            best = min(best, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
            requestBytes = transport.requests.first?.body.count ?? 0
        }
        return (requestBytes, best, try #require(output))
    }

    @Test func jsonIsLeanerThanQueryForA500QueryPage() async throws {
        let xml = Self.xmlAnswer()
        let json = Self.jsonAnswer()
        let query = try await measure(.query, answer: xml)
        let json10 = try await measure(.json10, answer: json)
        print(
            """
            GetMetricData, \(Self.queryCount) queries x \(Self.pointsPerQuery) points (build: debug test, best of 5, \
            request built + signed + answer decoded):
              query  : request \(query.requestBytes) B, answer \(xml.count) B, \(String(format: "%.1f", query.seconds * 1000)) ms
              json1.0: request \(json10.requestBytes) B, answer \(json.count) B, \(String(format: "%.1f", json10.seconds * 1000)) ms
            """
        )
        // Both protocols must decode the same thing.
        #expect(query.output == json10.output)
        #expect(query.output.results.count == Self.queryCount)
        #expect(query.output.results.allSatisfy { $0.values.count == Self.pointsPerQuery })
        #expect(json.count < xml.count)
        #expect(json10.requestBytes < query.requestBytes)
    }
}
