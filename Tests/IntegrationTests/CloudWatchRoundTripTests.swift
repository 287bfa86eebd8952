import AWSCore
import AWSServices
import AWSTestSupport
import Foundation
import Testing

@Suite(.serialized, .heavy) struct CloudWatchRoundTripTests {
    @Test func seedsListsAndReadsMetricsInBothProtocols() async throws {
        try await withMoto { moto in
            let json = CloudWatchClient(caller: try moto.caller(.cloudWatch))
            let query = CloudWatchClient(caller: try moto.caller(.cloudWatch), wireProtocol: .query)
            let namespace = "IT/\(UUID().uuidString.prefix(8))"
            let now = Date()
            let windowStart = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 60).rounded(.down) * 60 - 600)

            // 520 one-point metrics, plus one metric with five points for the statistics calls.
            let many = (0..<520).map {
                MetricDatum(
                    metricName: "M",
                    dimensions: [MetricDimension(name: "Idx", value: "\($0)")],
                    timestamp: windowStart,
                    value: Double($0)
                )
            }
            let latency = (0..<5).map {
                MetricDatum(
                    metricName: "Latency",
                    dimensions: [MetricDimension(name: "LoadBalancerName", value: "web")],
                    timestamp: windowStart.addingTimeInterval(Double($0 * 60)),
                    value: Double($0 + 1),
                    unit: "Seconds"
                )
            }
            try await json.putMetricData(namespace: namespace, data: many + latency, deadline: nil)

            for client in [json, query] {
                var metrics: [CloudWatchMetric] = []
                var pages = 0
                var token: String?
                repeat {
                    let page = try await client.listMetrics(
                        ListMetricsInput(namespace: namespace, nextToken: token),
                        deadline: nil
                    )
                    metrics += page.metrics
                    token = page.nextToken
                    pages += 1
                } while token != nil
                #expect(pages == 2)
                #expect(metrics.count == 521)
                #expect(Set(metrics.map { $0.dimensions.first?.value ?? "" }).count == 521)

                let filtered = try await client.listMetrics(
                    ListMetricsInput(
                        namespace: namespace,
                        dimensions: [DimensionFilter(name: "LoadBalancerName", value: "web")]
                    ),
                    deadline: nil
                )
                #expect(filtered.metrics.map(\.metricName) == ["Latency"])

                let statistics = try await client.getMetricStatistics(
                    GetMetricStatisticsInput(
                        namespace: namespace,
                        metricName: "Latency",
                        dimensions: [MetricDimension(name: "LoadBalancerName", value: "web")],
                        startTime: windowStart,
                        endTime: windowStart.addingTimeInterval(300),
                        period: 60,
                        statistics: ["Sum", "SampleCount", "Maximum"]
                    ),
                    deadline: nil
                )
                let points = statistics.datapoints.sorted { $0.timestamp < $1.timestamp }
                #expect(points.map(\.sum) == [1, 2, 3, 4, 5])
                #expect(points.map(\.timestamp) == (0..<5).map { windowStart.addingTimeInterval(Double($0 * 60)) })
                #expect(points.allSatisfy { $0.sampleCount == 1 && $0.unit == "Seconds" })

                let queries = [
                    MetricDataQuery(
                        id: "lat",
                        metric: CloudWatchMetric(
                            namespace: namespace,
                            metricName: "Latency",
                            dimensions: [MetricDimension(name: "LoadBalancerName", value: "web")]
                        ),
                        period: 300,
                        stat: "Sum"
                    ),
                    MetricDataQuery(
                        id: "m7",
                        metric: CloudWatchMetric(
                            namespace: namespace,
                            metricName: "M",
                            dimensions: [MetricDimension(name: "Idx", value: "7")]
                        ),
                        period: 60,
                        stat: "Maximum",
                        label: "seven"
                    ),
                ]
                let data = try await client.getMetricData(
                    GetMetricDataInput(
                        queries: queries,
                        startTime: windowStart,
                        endTime: windowStart.addingTimeInterval(300)
                    ),
                    deadline: nil
                )
                #expect(data.results.map(\.id) == ["lat", "m7"])
                #expect(data.results.first?.values == [15])
                #expect(data.results.last?.values == [7])
                #expect(data.results.last?.label == "seven")
                #expect(data.nextToken == nil)
            }

            // Errors arrive with the same Query code in both protocols.
            for client in [json, query] {
                let bad = GetMetricStatisticsInput(
                    namespace: namespace,
                    metricName: "Latency",
                    startTime: windowStart.addingTimeInterval(300),
                    endTime: windowStart,
                    period: 60,
                    statistics: ["Sum"]
                )
                let error = await #expect(throws: AWSError.self) {
                    try await client.getMetricStatistics(bad, deadline: nil)
                }
                #expect(error?.code == "InvalidParameterValue")
                #expect(error?.requestId != nil)
            }
        }
    }
}
