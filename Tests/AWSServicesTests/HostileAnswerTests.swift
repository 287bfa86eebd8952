import AWSCore
import AWSServices
import Foundation
import Testing

/// Answers from an emulator, a proxy or an `http://` override are input like any other: a number no real
/// CloudWatch sends must fail the call as malformed, never trap.
@Suite struct HostileAnswerTests {
    private static let statisticsInput = GetMetricStatisticsInput(
        namespace: "AWS/ELB",
        metricName: "Latency",
        startTime: Date(timeIntervalSince1970: 0),
        endTime: Date(timeIntervalSince1970: 60),
        period: 60,
        statistics: ["Sum"]
    )

    private static func json(_ body: String) -> HTTPResponse {
        HTTPResponse(status: 200, headers: [("Content-Type", "application/x-amz-json-1.0")], body: Array(body.utf8))
    }

    @Test(arguments: ["1e20", "-1e20", "1e308", "253402300800"])
    func getMetricDataTimestampsOutOfRangeAreMalformed(timestamp: String) async {
        let body = """
            {"MetricDataResults":[{"Id":"q0","Label":"x","Timestamps":[\(timestamp)],"Values":[1.0],\
            "StatusCode":"Complete"}]}
            """
        let input = GetMetricDataInput(
            queries: [
                MetricDataQuery(
                    id: "q0",
                    metric: CloudWatchMetric(namespace: "AWS/ELB", metricName: "Latency", dimensions: []),
                    period: 60,
                    stat: "Sum"
                )
            ],
            startTime: Date(timeIntervalSince1970: 0),
            endTime: Date(timeIntervalSince1970: 60)
        )
        let error = await #expect(throws: AWSError.self) {
            try await Harness.cloudWatch(ScriptedTransport([Self.json(body)]), .json10).getMetricData(
                input,
                deadline: nil
            )
        }
        #expect(error?.kind == .malformedResponse)
    }

    @Test(arguments: ["1e20", "-1e300"])
    func getMetricStatisticsTimestampsOutOfRangeAreMalformed(timestamp: String) async {
        let body = #"{"Label":"Latency","Datapoints":[{"Timestamp":\#(timestamp),"Sum":1.0}]}"#
        let error = await #expect(throws: AWSError.self) {
            try await Harness.cloudWatch(ScriptedTransport([Self.json(body)]), .json10).getMetricStatistics(
                Self.statisticsInput,
                deadline: nil
            )
        }
        #expect(error?.kind == .malformedResponse)
    }

    /// A member of the wrong type is malformed, not "no data": `"Datapoints": "none"` once passed as an empty list.
    @Test(arguments: [
        #"{"Label":"Latency","Datapoints":"none"}"#, #"{"Datapoints":{"a":1}}"#, #"{"Datapoints":[1]}"#,
        #"{"Datapoints":[{"Timestamp":"soon","Sum":1}]}"#, #"{"Datapoints":[{"Timestamp":1,"ExtendedStatistics":[]}]}"#,
    ])
    func wronglyTypedMembersAreMalformed(body: String) async {
        let error = await #expect(throws: AWSError.self) {
            try await Harness.cloudWatch(ScriptedTransport([Self.json(body)]), .json10).getMetricStatistics(
                Self.statisticsInput,
                deadline: nil
            )
        }
        #expect(error?.kind == .malformedResponse)
    }

    @Test func absentAndNullListsAreEmpty() async throws {
        for body in [#"{"Label":"Latency"}"#, #"{"Label":"Latency","Datapoints":null}"#] {
            let output = try await Harness.cloudWatch(ScriptedTransport([Self.json(body)]), .json10)
                .getMetricStatistics(Self.statisticsInput, deadline: nil)
            #expect(output.datapoints.isEmpty)
        }
    }

    @Test func theLatestTimestampCloudWatchCanSayIsAccepted() async throws {
        let body = #"{"Label":"Latency","Datapoints":[{"Timestamp":253402300799,"Sum":1.0}]}"#
        let output = try await Harness.cloudWatch(ScriptedTransport([Self.json(body)]), .json10)
            .getMetricStatistics(Self.statisticsInput, deadline: nil)
        #expect(output.datapoints.first?.timestamp == Date(timeIntervalSince1970: 253_402_300_799))
    }

    @Test func checkedTimeNeverTraps() {
        #expect(CheckedTime.epochMilliseconds(Date(timeIntervalSince1970: 1e20)) == nil)
        #expect(CheckedTime.epochMilliseconds(Date(timeIntervalSince1970: 1.5)) == 1500)
        #expect(CheckedTime.duration(seconds: 1e300) == CheckedTime.maximumDuration)
        #expect(CheckedTime.duration(seconds: .nan) == .zero)
        #expect(CheckedTime.duration(seconds: -5) == .zero)
        #expect(CheckedTime.duration(seconds: 0.25) == .milliseconds(250))
        #expect(AWSTimestamp.iso8601(Date(timeIntervalSince1970: 1e20)) == "9999-12-31T23:59:59Z")
    }
}
