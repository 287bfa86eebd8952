import AWSCore
import AWSServices
import AWSTestSupport
import Foundation
import Testing

@Suite struct CloudWatchClientTests {
    let elbFilter = ListMetricsInput(
        namespace: "AWS/ELB",
        dimensions: [DimensionFilter(name: "LoadBalancerName", value: "web-classic")],
        recentlyActive: true
    )

    @Test(arguments: [AWSWireProtocol.query, .json10])
    func listMetricsMatchesTheCapture(_ wire: AWSWireProtocol) async throws {
        let fixture = try WireFixture.load("cloudwatch-\(wire == .query ? "query" : "json")-ListMetrics.txt")
        let transport = ScriptedTransport([fixture.response])
        let output = try await Harness.cloudWatch(transport, wire).listMetrics(elbFilter, deadline: nil)
        #expect(output.metrics.map(\.metricName) == ["RequestCount", "Latency"])
        #expect(
            output.metrics.allSatisfy {
                $0.namespace == "AWS/ELB"
                    && $0.dimensions == [MetricDimension(name: "LoadBalancerName", value: "web-classic")]
            }
        )
        #expect(output.nextToken == nil)
        if wire == .query {
            #expect(Harness.form(transport.requests.first) == Harness.form(fixture.requestBody))
        } else {
            #expect(try Harness.jsonObject(transport.requests.first) == Harness.jsonObject(fixture.requestBody))
        }
    }

    @Test(arguments: [AWSWireProtocol.query, .json10])
    func listMetricsPagesCarryTokens(_ wire: AWSWireProtocol) async throws {
        let name = wire == .query ? "query" : "json"
        let page1 = try WireFixture.load("cloudwatch-\(name)-ListMetrics-page1.txt")
        let page2 = try WireFixture.load("cloudwatch-\(name)-ListMetrics-page2.txt")
        let transport = ScriptedTransport([page1.response, page2.response])
        let client = Harness.cloudWatch(transport, wire)
        let first = try await client.listMetrics(ListMetricsInput(namespace: "Paging/Test"), deadline: nil)
        #expect(first.metrics.count == 500)
        let token = try #require(first.nextToken)
        let second = try await client.listMetrics(
            ListMetricsInput(namespace: "Paging/Test", nextToken: token),
            deadline: nil
        )
        #expect(second.metrics.count > 0)
        #expect(second.nextToken == nil)
        #expect(
            Set((first.metrics + second.metrics).map { $0.dimensions.first?.value ?? "" }).count == first.metrics.count
                + second.metrics.count
        )
        if wire == .query {
            #expect(Harness.form(transport.requests.last) == Harness.form(page2.requestBody))
        } else {
            #expect(try Harness.jsonObject(transport.requests.last) == Harness.jsonObject(page2.requestBody))
        }
    }

    @Test func listMetricsMoreMatchesBotocore() async throws {
        let fixture = try WireFixture.load("cloudwatch-query-ListMetrics-more.http")
        let parsed = try #require(
            try WireFixture.json("cloudwatch-query-ListMetrics-more.parsed.json") as? [String: Any]
        )
        let output = try await Harness.cloudWatch(ScriptedTransport([fixture.response]), .query).listMetrics(
            elbFilter,
            deadline: nil
        )
        let metrics = try #require(parsed["Metrics"] as? [[String: Any]])
        #expect(output.metrics.count == metrics.count)
        for (ours, theirs) in zip(output.metrics, metrics) {
            #expect(ours.metricName == theirs["MetricName"] as? String)
            #expect(ours.namespace == theirs["Namespace"] as? String)
            let dimensions = (theirs["Dimensions"] as? [[String: String]] ?? []).map {
                MetricDimension(name: $0["Name"] ?? "", value: $0["Value"] ?? "")
            }
            #expect(ours.dimensions == dimensions)
        }
        #expect(output.nextToken == parsed["NextToken"] as? String)
    }

    @Test(arguments: [AWSWireProtocol.query, .json10])
    func getMetricStatisticsMatchesTheCapture(_ wire: AWSWireProtocol) async throws {
        let fixture = try WireFixture.load("cloudwatch-\(wire == .query ? "query" : "json")-GetMetricStatistics.txt")
        let transport = ScriptedTransport([fixture.response])
        let input = GetMetricStatisticsInput(
            namespace: "AWS/ELB",
            metricName: "Latency",
            dimensions: [MetricDimension(name: "LoadBalancerName", value: "web-classic")],
            startTime: Harness.date("2026-11-24T15:00:00Z"),
            endTime: Harness.date("2026-11-24T15:05:00Z"),
            period: 60,
            statistics: ["Average", "Maximum", "SampleCount"]
        )
        let output = try await Harness.cloudWatch(transport, wire).getMetricStatistics(input, deadline: nil)
        #expect(output.label == "Latency")
        #expect(output.datapoints.map(\.average) == [0.25, 0.26, 0.27, 0.28, 0.29])
        #expect(output.datapoints.first?.timestamp == Harness.date("2026-11-24T15:00:00Z"))
        #expect(output.datapoints.allSatisfy { $0.sampleCount == 1 && $0.unit == "Seconds" && $0.sum == nil })
        // We never send Unit (the exporter wants every unit), otherwise the parameters are boto3's.
        if wire == .query {
            var expected = Harness.form(fixture.requestBody)
            expected["Unit"] = nil
            #expect(Harness.form(transport.requests.first) == expected)
        } else {
            let expected = try #require(Harness.jsonObject(fixture.requestBody).mutableCopy() as? NSMutableDictionary)
            expected.removeObject(forKey: "Unit")
            #expect(try Harness.jsonObject(transport.requests.first) == expected)
        }
    }

    @Test(arguments: [AWSWireProtocol.query, .json10])
    func getMetricStatisticsExtendedStatisticsMatchBotocore(_ wire: AWSWireProtocol) async throws {
        let name = "cloudwatch-\(wire == .query ? "query" : "json")-GetMetricStatistics"
        let fixture = try WireFixture.load("\(name).http")
        let parsed = try #require(try WireFixture.json("\(name).parsed.json") as? [String: Any])
        let input = GetMetricStatisticsInput(
            namespace: "AWS/ELB",
            metricName: "Latency",
            startTime: Date(timeIntervalSince1970: 0),
            endTime: Date(timeIntervalSince1970: 60),
            period: 60,
            extendedStatistics: ["p99"]
        )
        let output = try await Harness.cloudWatch(ScriptedTransport([fixture.response]), wire).getMetricStatistics(
            input,
            deadline: nil
        )
        let expected = try #require(parsed["Datapoints"] as? [[String: Any]])
        #expect(output.datapoints.count == expected.count)
        for (ours, theirs) in zip(output.datapoints, expected) {
            #expect(ours.timestamp == Harness.date(theirs["Timestamp"] as? String ?? ""))
            #expect(ours.average == theirs["Average"] as? Double)
            #expect(ours.maximum == theirs["Maximum"] as? Double)
            #expect(ours.sampleCount == theirs["SampleCount"] as? Double)
            #expect(ours.unit == theirs["Unit"] as? String)
            #expect(ours.extendedStatistics == theirs["ExtendedStatistics"] as? [String: Double])
        }
        #expect(output.label == parsed["Label"] as? String)
    }

    let captureQueries = [
        MetricDataQuery(
            id: "rc",
            metric: CloudWatchMetric(
                namespace: "AWS/ELB",
                metricName: "RequestCount",
                dimensions: [MetricDimension(name: "LoadBalancerName", value: "web-classic")]
            ),
            period: 300,
            stat: "Sum"
        ),
        MetricDataQuery(
            id: "trt",
            metric: CloudWatchMetric(
                namespace: "AWS/ApplicationELB",
                metricName: "TargetResponseTime",
                dimensions: [MetricDimension(name: "LoadBalancer", value: "app/web-alb/50dc6c495c0c9188")]
            ),
            period: 60,
            stat: "Average",
            label: "p-avg"
        ),
    ]

    @Test(arguments: [AWSWireProtocol.query, .json10])
    func getMetricDataMatchesTheCapture(_ wire: AWSWireProtocol) async throws {
        let fixture = try WireFixture.load("cloudwatch-\(wire == .query ? "query" : "json")-GetMetricData.txt")
        let transport = ScriptedTransport([fixture.response])
        let input = GetMetricDataInput(
            queries: captureQueries,
            startTime: Harness.date("2026-11-24T15:00:00Z"),
            endTime: Harness.date("2026-11-24T15:04:00Z")
        )
        let output = try await Harness.cloudWatch(transport, wire).getMetricData(input, deadline: nil)
        #expect(output.results.map(\.id) == ["rc", "trt"])
        #expect(output.results[1].label == "p-avg")
        #expect(output.results[1].values == [0.1, 0.2, 0.30000000000000004, 0.4])
        #expect(
            output.results[1].timestamps.map(\.timeIntervalSince1970) == [
                1_795_532_400, 1_795_532_460, 1_795_532_520, 1_795_532_580,
            ]
        )
        #expect(output.results.allSatisfy { $0.statusCode == "Complete" })
        #expect(output.nextToken == nil)
        // boto3 asked for ascending order and sent MaxDatapoints; we want newest first and the default maximum.
        if wire == .query {
            var expected = Harness.form(fixture.requestBody)
            expected["ScanBy"] = "TimestampDescending"
            expected["MaxDatapoints"] = nil
            expected["MetricDataQueries.member.1.ReturnData"] = nil
            #expect(Harness.form(transport.requests.first) == expected)
        } else {
            let expected = try #require(Harness.jsonObject(fixture.requestBody).mutableCopy() as? NSMutableDictionary)
            expected["ScanBy"] = "TimestampDescending"
            expected.removeObject(forKey: "MaxDatapoints")
            var queries = try #require(expected["MetricDataQueries"] as? [[String: Any]])
            queries[0]["ReturnData"] = nil
            expected["MetricDataQueries"] = queries
            #expect(try Harness.jsonObject(transport.requests.first) == expected)
        }
    }

    @Test(arguments: [AWSWireProtocol.query, .json10])
    func getMetricDataPartialPageMatchesBotocore(_ wire: AWSWireProtocol) async throws {
        let name = "cloudwatch-\(wire == .query ? "query" : "json")-GetMetricData-partial"
        let fixture = try WireFixture.load("\(name).http")
        let parsed = try #require(try WireFixture.json("\(name).parsed.json") as? [String: Any])
        let input = GetMetricDataInput(
            queries: captureQueries,
            startTime: Date(timeIntervalSince1970: 0),
            endTime: Date(timeIntervalSince1970: 600)
        )
        let output = try await Harness.cloudWatch(ScriptedTransport([fixture.response]), wire).getMetricData(
            input,
            deadline: nil
        )
        #expect(output.nextToken == parsed["NextToken"] as? String)
        #expect(output.messages.isEmpty)
        let expected = try #require(parsed["MetricDataResults"] as? [[String: Any]])
        #expect(output.results.count == expected.count)
        for (ours, theirs) in zip(output.results, expected) {
            #expect(ours.id == theirs["Id"] as? String)
            #expect(ours.label == theirs["Label"] as? String)
            #expect(ours.statusCode == theirs["StatusCode"] as? String)
            #expect(ours.values == theirs["Values"] as? [Double])
            #expect(ours.timestamps == (theirs["Timestamps"] as? [String] ?? []).map(Harness.date))
            let messages = (theirs["Messages"] as? [[String: String]] ?? []).map {
                "\($0["Code"] ?? ""): \($0["Value"] ?? "")"
            }
            #expect(ours.messages == messages)
        }
    }

    @Test func getMetricDataRefusesMoreThan500QueriesWithoutCallingAWS() async throws {
        let transport = ScriptedTransport([])
        let query = captureQueries[0]
        let queries = (0..<501).map { MetricDataQuery(id: "q\($0)", metric: query.metric, period: 60, stat: "Sum") }
        let input = GetMetricDataInput(
            queries: queries,
            startTime: Date(timeIntervalSince1970: 0),
            endTime: Date(timeIntervalSince1970: 60)
        )
        let error = await #expect(throws: AWSError.self) {
            try await Harness.cloudWatch(transport, .json10).getMetricData(input, deadline: nil)
        }
        #expect(error?.kind == .validation)
        #expect(transport.requests.isEmpty)
    }

    @Test(arguments: [AWSWireProtocol.query, .json10])
    func errorsKeepTheirQueryCodeInBothProtocols(_ wire: AWSWireProtocol) async throws {
        let fixture = try WireFixture.load(
            "cloudwatch-\(wire == .query ? "query" : "json")-GetMetricStatistics-error.txt"
        )
        let input = GetMetricStatisticsInput(
            namespace: "AWS/ELB",
            metricName: "Latency",
            startTime: Date(timeIntervalSince1970: 60),
            endTime: Date(timeIntervalSince1970: 0),
            period: 60,
            statistics: ["Sum"]
        )
        let error = await #expect(throws: AWSError.self) {
            try await Harness.cloudWatch(ScriptedTransport([fixture.response]), wire).getMetricStatistics(
                input,
                deadline: nil
            )
        }
        #expect(error?.code == "InvalidParameterValue")
        #expect(error?.message == "The parameter StartTime must be less than the parameter EndTime.")
        #expect(error?.kind == .validation)
    }
}
