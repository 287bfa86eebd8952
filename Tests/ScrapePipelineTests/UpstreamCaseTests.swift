import AWSServices
import Foundation
import ResourceTags
import ScrapePipeline
import ScrapeStatus
import Telemetry
import Testing

/// cloudwatch_exporter's CloudWatchCollectorTest cases (A1–A28, A39, A44 in cloudwatch_exporter_cases.md), run
/// against in-memory AWS fakes.
@Suite struct UpstreamCaseTests {
    static let elb = ["job": "aws_elb", "instance": ""]

    @Test func metricPeriodAndWindow() async throws {
        let aws = FakeAWS(.init(getMetricStatistics: { _ in GetMetricStatisticsOutput(label: nil, datapoints: []) }))
        let harness = try CollectorHarness(
            """
            metrics:
            - aws_namespace: AWS/ELB
              aws_metric_name: RequestCount
              period_seconds: 120
              range_seconds: 200
              delay_seconds: 300
            """,
            aws: aws
        )
        let scrape = await harness.scrape()
        let call = try #require(aws.recorded.getMetricStatistics.first)
        #expect(aws.recorded.getMetricStatistics.count == 1)
        #expect(call.namespace == "AWS/ELB" && call.metricName == "RequestCount" && call.period == 120)
        #expect(call.dimensions.isEmpty)
        #expect(call.endTime == CollectorHarness.now.addingTimeInterval(-300))
        #expect(call.startTime == CollectorHarness.now.addingTimeInterval(-500))
        #expect(scrape.samples("aws_elb_request_count_average").isEmpty)
        #expect(scrape.scrapeError == 0)
    }

    @Test func metricPeriodUsingGetMetricData() async throws {
        let aws = FakeAWS(.init(getMetricData: { _ in GetMetricDataOutput(results: [], nextToken: nil, messages: []) }))
        let harness = try CollectorHarness(
            """
            metrics:
            - aws_namespace: AWS/ELB
              aws_metric_name: RequestCount
              period_seconds: 120
              range_seconds: 200
              delay_seconds: 300
              use_get_metric_data: true
            """,
            aws: aws
        )
        _ = await harness.scrape()
        #expect(aws.recorded.getMetricStatistics.isEmpty)
        let request = try #require(aws.recorded.getMetricData.first)
        #expect(request.queries.contains { $0.period == 120 && $0.metric == metric("AWS/ELB", "RequestCount", []) })
        #expect(request.startTime == CollectorHarness.now.addingTimeInterval(-500))
    }

    @Test func defaultPeriodIsInherited() async throws {
        let aws = FakeAWS(.init(getMetricStatistics: { _ in GetMetricStatisticsOutput(label: nil, datapoints: []) }))
        let harness = try CollectorHarness(
            """
            period_seconds: 120
            range_seconds: 200
            delay_seconds: 300
            metrics:
            - aws_namespace: AWS/ELB
              aws_metric_name: RequestCount
            """,
            aws: aws
        )
        _ = await harness.scrape()
        #expect(aws.recorded.getMetricStatistics.first?.period == 120)
    }

    @Test func allStatistics() async throws {
        let aws = FakeAWS(
            .init(getMetricStatistics: { _ in
                GetMetricStatisticsOutput(
                    label: nil,
                    datapoints: [
                        Datapoint(
                            timestamp: CollectorHarness.now,
                            sampleCount: 4,
                            average: 1,
                            sum: 5,
                            minimum: 3,
                            maximum: 2,
                            unit: "Count"
                        )
                    ]
                )
            })
        )
        let harness = try CollectorHarness(
            "metrics:\n- aws_namespace: AWS/ELB\n  aws_metric_name: RequestCount\n",
            aws: aws
        )
        let scrape = await harness.scrape()
        #expect(scrape.value("aws_elb_request_count_average", Self.elb) == 1)
        #expect(scrape.value("aws_elb_request_count_maximum", Self.elb) == 2)
        #expect(scrape.value("aws_elb_request_count_minimum", Self.elb) == 3)
        #expect(scrape.value("aws_elb_request_count_sample_count", Self.elb) == 4)
        #expect(scrape.value("aws_elb_request_count_sum", Self.elb) == 5)
        #expect(
            aws.recorded.getMetricStatistics.first?.statistics == [
                "Sum", "SampleCount", "Minimum", "Maximum", "Average",
            ]
        )
        // C9: no aws_dimensions → HELP says `Dimensions: null`.
        #expect(
            scrape.family("aws_elb_request_count_sum")?.help
                == "CloudWatch metric AWS/ELB RequestCount Dimensions: null Statistic: Sum Unit: Count"
        )
        // Families come in upstream's order.
        let names = scrape.families.map(\.name).filter { $0.hasPrefix("aws_elb_request_count") }
        #expect(
            names == [
                "aws_elb_request_count_sum", "aws_elb_request_count_sample_count", "aws_elb_request_count_minimum",
                "aws_elb_request_count_maximum", "aws_elb_request_count_average",
            ]
        )
    }

    @Test func allStatisticsUsingGetMetricData() async throws {
        let aws = FakeAWS(
            .init(getMetricData: { input in
                let values = ["Average": 1.0, "Maximum": 2, "Minimum": 3, "SampleCount": 4, "Sum": 5]
                return GetMetricDataOutput(
                    results: input.queries.map { query in
                        MetricDataResult(
                            id: query.id,
                            label: query.label,
                            timestamps: [CollectorHarness.now],
                            values: [values[query.stat] ?? -1],
                            statusCode: "Complete",
                            messages: []
                        )
                    },
                    nextToken: nil,
                    messages: []
                )
            })
        )
        let harness = try CollectorHarness(
            "use_get_metric_data: true\nmetrics:\n- aws_namespace: AWS/ELB\n  aws_metric_name: RequestCount\n",
            aws: aws
        )
        let scrape = await harness.scrape()
        #expect(
            Set(aws.recorded.getMetricData.first?.queries.map(\.stat) ?? []) == [
                "Average", "Maximum", "Minimum", "SampleCount", "Sum",
            ]
        )
        #expect(scrape.value("aws_elb_request_count_average", Self.elb) == 1)
        #expect(scrape.value("aws_elb_request_count_sum", Self.elb) == 5)
        // C11: GetMetricData has no unit.
        #expect(scrape.family("aws_elb_request_count_sum")?.help.hasSuffix("Statistic: Sum Unit: N/A") == true)
    }

    @Test func timestampsFollowSetTimestamp() async throws {
        let stamp = Date(timeIntervalSince1970: 1_675_847_100)
        let aws = FakeAWS(
            .init(getMetricStatistics: { _ in
                GetMetricStatisticsOutput(label: nil, datapoints: [Datapoint(timestamp: stamp, average: 1)])
            })
        )
        let harness = try CollectorHarness(
            """
            metrics:
            - aws_namespace: AWS/ELB
              aws_metric_name: RequestCount
              set_timestamp: true
            - aws_namespace: AWS/ELB
              aws_metric_name: HTTPCode_Backend_2XX
              set_timestamp: off
            """,
            aws: aws
        )
        let scrape = await harness.scrape()
        #expect(scrape.sample("aws_elb_request_count_average", Self.elb)?.timestampMilliseconds == 1_675_847_100_000)
        let untimed = try #require(scrape.sample("aws_elb_httpcode_backend_2_xx_average", Self.elb))
        #expect(untimed.timestampMilliseconds == nil)
    }

    @Test func usesNewestDatapoint() async throws {
        let aws = FakeAWS(
            .init(getMetricStatistics: { _ in
                GetMetricStatisticsOutput(
                    label: nil,
                    datapoints: [
                        Datapoint(timestamp: Date(timeIntervalSince1970: 0.001), average: 1),
                        Datapoint(timestamp: Date(timeIntervalSince1970: 0.003), average: 3),
                        Datapoint(timestamp: Date(timeIntervalSince1970: 0.002), average: 2),
                    ]
                )
            })
        )
        let harness = try CollectorHarness(
            "metrics:\n- aws_namespace: AWS/ELB\n  aws_metric_name: RequestCount\n",
            aws: aws
        )
        #expect(await harness.scrape().value("aws_elb_request_count_average", Self.elb) == 3)
    }

    static func averages(_ table: [[MetricDimension]: Double])
        -> @Sendable (GetMetricStatisticsInput) -> GetMetricStatisticsOutput
    {
        { input in
            guard let value = table[input.dimensions] else {
                return GetMetricStatisticsOutput(label: nil, datapoints: [])
            }
            return GetMetricStatisticsOutput(
                label: nil,
                datapoints: [Datapoint(timestamp: CollectorHarness.now, average: value, unit: "Count")]
            )
        }
    }

    /// ListMetrics answering AWS/ELB RequestCount with these (AvailabilityZone, LoadBalancerName) sets.
    static func zoneListing(_ sets: [(String, String)]) -> @Sendable (ListMetricsInput) -> ListMetricsOutput {
        let metrics = sets.map {
            metric("AWS/ELB", "RequestCount", dims(("AvailabilityZone", $0.0), ("LoadBalancerName", $0.1)))
        }
        return { _ in ListMetricsOutput(metrics: metrics, nextToken: nil) }
    }

    static let twoDimensionRule = """
        metrics:
        - aws_namespace: AWS/ELB
          aws_metric_name: RequestCount
          aws_dimensions: [AvailabilityZone, LoadBalancerName]
        """

    @Test func dimensionsFromListMetrics() async throws {
        let aws = FakeAWS(
            .init(
                listMetrics: { _ in
                    ListMetricsOutput(
                        metrics: [
                            metric(
                                "AWS/ELB",
                                "RequestCount",
                                dims(("AvailabilityZone", "a"), ("LoadBalancerName", "myLB"))
                            ),
                            metric(
                                "AWS/ELB",
                                "RequestCount",
                                dims(
                                    ("AvailabilityZone", "a"),
                                    ("LoadBalancerName", "myLB"),
                                    ("ThisExtraDimensionIsIgnored", "dummy")
                                )
                            ),
                            metric(
                                "AWS/ELB",
                                "RequestCount",
                                dims(("AvailabilityZone", "b"), ("LoadBalancerName", "myOtherLB"))
                            ),
                        ],
                        nextToken: nil
                    )
                },
                getMetricStatistics: Self.averages([
                    dims(("AvailabilityZone", "a"), ("LoadBalancerName", "myLB")): 2,
                    dims(("AvailabilityZone", "b"), ("LoadBalancerName", "myOtherLB")): 3,
                ])
            )
        )
        let harness = try CollectorHarness(Self.twoDimensionRule, aws: aws)
        let scrape = await harness.scrape()
        let list = try #require(aws.recorded.listMetrics.first)
        #expect(
            list.dimensions == [
                DimensionFilter(name: "AvailabilityZone", value: nil),
                DimensionFilter(name: "LoadBalancerName", value: nil),
            ]
        )
        #expect(list.metricName == "RequestCount" && list.recentlyActive)
        let labels = Self.elb.merging(["availability_zone": "a", "load_balancer_name": "myLB"]) { $1 }
        #expect(scrape.value("aws_elb_request_count_average", labels) == 2)
        let other = Self.elb.merging(["availability_zone": "b", "load_balancer_name": "myOtherLB"]) { $1 }
        #expect(scrape.value("aws_elb_request_count_average", other) == 3)
        #expect(!scrape.text().contains("this_extra_dimension_is_ignored"))
        #expect(aws.recorded.getMetricStatistics.count == 2)
        // C19: label order is the order of the dimensions, after job and instance.
        let sample = try #require(scrape.sample("aws_elb_request_count_average", labels))
        #expect(sample.labels.map(\.name) == ["job", "instance", "availability_zone", "load_balancer_name"])
        #expect(
            scrape.family("aws_elb_request_count_average")?.help
                == "CloudWatch metric AWS/ELB RequestCount Dimensions: [AvailabilityZone, LoadBalancerName] Statistic: Average Unit: Count"
        )
    }

    @Test func dimensionSelectIsNeverRequested() async throws {
        let aws = FakeAWS(
            .init(
                listMetrics: Self.zoneListing([("a", "myLB"), ("b", "myLB"), ("a", "myOtherLB")]),
                getMetricStatistics: Self.averages([
                    dims(("AvailabilityZone", "a"), ("LoadBalancerName", "myLB")): 2,
                    dims(("AvailabilityZone", "b"), ("LoadBalancerName", "myLB")): 2,
                ])
            )
        )
        let harness = try CollectorHarness(
            Self.twoDimensionRule + "\n  aws_dimension_select:\n    LoadBalancerName: [myLB]\n",
            aws: aws
        )
        let scrape = await harness.scrape()
        #expect(scrape.samples("aws_elb_request_count_average").count == 2)
        #expect(
            !aws.recorded.getMetricStatistics.contains {
                $0.dimensions.contains(MetricDimension(name: "LoadBalancerName", value: "myOtherLB"))
            }
        )
    }

    @Test func allSelectDimensionsKnownSkipsListMetrics() async throws {
        let aws = FakeAWS(
            .init(
                getMetricStatistics: Self.averages([
                    dims(("AvailabilityZone", "a"), ("LoadBalancerName", "myLB")): 2,
                    dims(("AvailabilityZone", "b"), ("LoadBalancerName", "myLB")): 2,
                ])
            )
        )
        let harness = try CollectorHarness(
            Self.twoDimensionRule
                + "\n  aws_dimension_select:\n    LoadBalancerName: [myLB]\n    AvailabilityZone: [a, b]\n",
            aws: aws
        )
        let scrape = await harness.scrape()
        #expect(aws.recorded.listMetrics.isEmpty)
        #expect(
            Set(aws.recorded.getMetricStatistics.map(\.dimensions)) == [
                dims(("AvailabilityZone", "a"), ("LoadBalancerName", "myLB")),
                dims(("AvailabilityZone", "b"), ("LoadBalancerName", "myLB")),
            ]
        )
        #expect(scrape.samples("aws_elb_request_count_average").count == 2)
    }

    @Test func allSelectDimensionsKnownUsingGetMetricData() async throws {
        let aws = FakeAWS(
            .init(getMetricData: { input in
                GetMetricDataOutput(
                    results: input.queries.map { query in
                        let zone = query.metric.dimensions.first { $0.name == "AvailabilityZone" }?.value
                        return MetricDataResult(
                            id: query.id,
                            label: query.label,
                            timestamps: [CollectorHarness.now],
                            values: [zone == "a" ? 2 : 3],
                            statusCode: "Complete",
                            messages: []
                        )
                    },
                    nextToken: nil,
                    messages: []
                )
            })
        )
        let harness = try CollectorHarness(
            Self.twoDimensionRule
                + "\n  use_get_metric_data: true\n  aws_statistics: [Average]\n  aws_dimension_select:\n    LoadBalancerName: [myLB]\n    AvailabilityZone: [a, b]\n",
            aws: aws
        )
        let scrape = await harness.scrape()
        let labelsB = Self.elb.merging(["availability_zone": "b", "load_balancer_name": "myLB"]) { $1 }
        #expect(scrape.value("aws_elb_request_count_average", labelsB) == 3)
        let labels = aws.recorded.getMetricData.first?.queries.compactMap(\.label) ?? []
        #expect(labels.contains("Average/AvailabilityZone=a,LoadBalancerName=myLB"))
    }

    @Test func dimensionSelectRegexIsAFullMatch() async throws {
        let aws = FakeAWS(
            .init(
                listMetrics: Self.zoneListing([("a", "myLB1"), ("b", "myLB2"), ("a", "myOtherLB"), ("a", "xmyLB3")]),
                getMetricStatistics: Self.averages([
                    dims(("AvailabilityZone", "a"), ("LoadBalancerName", "myLB1")): 2,
                    dims(("AvailabilityZone", "b"), ("LoadBalancerName", "myLB2")): 2,
                ])
            )
        )
        let harness = try CollectorHarness(
            Self.twoDimensionRule + "\n  aws_dimension_select_regex:\n    LoadBalancerName: [\"myLB(.*)\"]\n",
            aws: aws
        )
        _ = await harness.scrape()
        #expect(aws.recorded.getMetricStatistics.count == 2)
    }

    @Test func listMetricsFollowsNextToken() async throws {
        let aws = FakeAWS(
            .init(
                listMetrics: { input in
                    input.nextToken == nil
                        ? ListMetricsOutput(metrics: [], nextToken: "ABC")
                        : ListMetricsOutput(
                            metrics: [
                                metric(
                                    "AWS/ELB",
                                    "RequestCount",
                                    dims(("AvailabilityZone", "a"), ("LoadBalancerName", "myLB"))
                                )
                            ],
                            nextToken: nil
                        )
                },
                getMetricStatistics: Self.averages([dims(("AvailabilityZone", "a"), ("LoadBalancerName", "myLB")): 2])
            )
        )
        let harness = try CollectorHarness(Self.twoDimensionRule, aws: aws)
        let scrape = await harness.scrape()
        #expect(aws.recorded.listMetrics.map(\.nextToken) == [nil, "ABC"])
        #expect(scrape.samples("aws_elb_request_count_average").count == 1)
        #expect(
            harness.metrics.value(.cloudWatchRequests, labels: ["action": "listMetrics", "namespace": "AWS/ELB"]) == 2
        )
    }

    @Test func extendedStatistics() async throws {
        let aws = FakeAWS(
            .init(getMetricStatistics: { _ in
                GetMetricStatisticsOutput(
                    label: nil,
                    datapoints: [
                        Datapoint(timestamp: CollectorHarness.now, extendedStatistics: ["p95": 1, "p99.99": 2])
                    ]
                )
            })
        )
        let harness = try CollectorHarness(
            "metrics:\n- aws_namespace: AWS/ELB\n  aws_metric_name: Latency\n  aws_extended_statistics: [p95, \"p99.99\"]\n",
            aws: aws
        )
        let scrape = await harness.scrape()
        #expect(scrape.value("aws_elb_latency_p95", Self.elb) == 1)
        #expect(scrape.value("aws_elb_latency_p99_99", Self.elb) == 2)
        #expect(aws.recorded.getMetricStatistics.first?.statistics == nil)
        #expect(aws.recorded.getMetricStatistics.first?.extendedStatistics == ["p95", "p99.99"])
    }

    @Test func dynamoIndexDimensions() async throws {
        let aws = FakeAWS(
            .init(
                listMetrics: { input in
                    let withIndex = input.dimensions.count == 2
                    let set =
                        withIndex
                        ? dims(("TableName", "myTable"), ("GlobalSecondaryIndexName", "myIndex"))
                        : dims(("TableName", "myTable"))
                    return ListMetricsOutput(
                        metrics: [metric("AWS/DynamoDB", input.metricName ?? "", set)],
                        nextToken: nil
                    )
                },
                getMetricStatistics: { input in
                    let value: Double =
                        input.dimensions.count == 1 ? 3 : input.metricName == "ConsumedReadCapacityUnits" ? 1 : 2
                    return GetMetricStatisticsOutput(
                        label: nil,
                        datapoints: [Datapoint(timestamp: CollectorHarness.now, sum: value)]
                    )
                }
            )
        )
        let harness = try CollectorHarness(
            """
            metrics:
            - aws_namespace: AWS/DynamoDB
              aws_metric_name: ConsumedReadCapacityUnits
              aws_dimensions: [TableName, GlobalSecondaryIndexName]
            - aws_namespace: AWS/DynamoDB
              aws_metric_name: OnlineIndexConsumedWriteCapacity
              aws_dimensions: [TableName, GlobalSecondaryIndexName]
            - aws_namespace: AWS/DynamoDB
              aws_metric_name: ConsumedReadCapacityUnits
              aws_dimensions: [TableName]
            """,
            aws: aws
        )
        let scrape = await harness.scrape()
        let index = [
            "job": "aws_dynamodb", "instance": "", "table_name": "myTable", "global_secondary_index_name": "myIndex",
        ]
        #expect(scrape.value("aws_dynamodb_consumed_read_capacity_units_index_sum", index) == 1)
        #expect(scrape.value("aws_dynamodb_online_index_consumed_write_capacity_sum", index) == 2)
        #expect(
            scrape.value(
                "aws_dynamodb_consumed_read_capacity_units_sum",
                ["job": "aws_dynamodb", "instance": "", "table_name": "myTable"]
            ) == 3
        )
    }

    @Test func recentlyActiveOnlyForShortRanges() async throws {
        let aws = FakeAWS(.init(listMetrics: { _ in ListMetricsOutput(metrics: [], nextToken: nil) }))
        let harness = try CollectorHarness(
            Self.twoDimensionRule
                + "\n  range_seconds: 12000\n- aws_namespace: AWS/ELB\n  aws_metric_name: Latency\n  aws_dimensions: [LoadBalancerName]\n  range_seconds: 600\n",
            aws: aws
        )
        _ = await harness.scrape()
        let byName = Dictionary(
            uniqueKeysWithValues: aws.recorded.listMetrics.map { ($0.metricName ?? "", $0.recentlyActive) }
        )
        #expect(byName == ["RequestCount": false, "Latency": true])
    }

    @Test(arguments: [
        "list_metrics_cache_ttl: 500\n" + twoDimensionRule, twoDimensionRule + "\n  list_metrics_cache_ttl: 500\n",
    ])
    func listMetricsCache(yaml: String) async throws {
        let aws = FakeAWS(
            .init(
                listMetrics: { _ in
                    ListMetricsOutput(
                        metrics: [
                            metric(
                                "AWS/ELB",
                                "RequestCount",
                                dims(("AvailabilityZone", "a"), ("LoadBalancerName", "myLB"))
                            )
                        ],
                        nextToken: nil
                    )
                },
                getMetricStatistics: Self.averages([dims(("AvailabilityZone", "a"), ("LoadBalancerName", "myLB")): 2])
            )
        )
        let harness = try CollectorHarness(yaml, aws: aws)
        let labels = Self.elb.merging(["availability_zone": "a", "load_balancer_name": "myLB"]) { $1 }
        #expect(await harness.scrape().value("aws_elb_request_count_average", labels) == 2)
        #expect(await harness.scrape().value("aws_elb_request_count_average", labels) == 2)
        #expect(aws.recorded.listMetrics.count == 1)
        // Upstream asks again; the second scrape, in the same period slot, is answered by the datapoint store.
        #expect(aws.recorded.getMetricStatistics.count == 1)
        #expect(
            harness.metrics.value(.storeHits, labels: ["namespace": "AWS/ELB", "metric_name": "RequestCount"]) == 1
        )
    }

    @Test func failingRuleKeepsTheOthers() async throws {
        let lbARN = "arn:aws:elasticloadbalancing:us-east-1:121212121212:loadbalancer/myLB"
        let aws = FakeAWS(
            .init(
                listMetrics: { _ in
                    ListMetricsOutput(
                        metrics: [metric("AWS/ELB", "RequestCount", dims(("LoadBalancerName", "myLB")))],
                        nextToken: nil
                    )
                },
                getMetricStatistics: { input in
                    if input.metricName == "Latency" {
                        throw AWSErrorFixture.throttled
                    }
                    return GetMetricStatisticsOutput(
                        label: nil,
                        datapoints: [Datapoint(timestamp: CollectorHarness.now, sum: 7)]
                    )
                },
                getResources: { _ in
                    GetResourcesOutput(
                        mappings: [
                            ResourceTagMapping(resourceARN: lbARN, tags: [AWSTag(key: "Team", value: "payments")])
                        ],
                        paginationToken: nil
                    )
                }
            )
        )
        let harness = try CollectorHarness(
            """
            metrics:
            - aws_namespace: AWS/ELB
              aws_metric_name: Latency
            - aws_namespace: AWS/ELB
              aws_metric_name: RequestCount
              aws_dimensions: [LoadBalancerName]
              aws_statistics: [Sum]
              aws_tag_select:
                resource_type_selection: "elasticloadbalancing:loadbalancer"
                resource_id_dimension: LoadBalancerName
            """,
            aws: aws
        )
        let scrape = await harness.scrape()
        #expect(scrape.scrapeError == 1)
        #expect(
            harness.metrics.value(
                .ruleErrors,
                labels: ["namespace": "AWS/ELB", "metric_name": "Latency", "code": "Throttling"]
            ) == 1
        )
        // The failed rule contributes nothing; the surviving rule's samples and its resource info are all there.
        #expect(scrape.samples("aws_elb_latency_sum").isEmpty)
        #expect(scrape.samples("aws_elb_latency_average").isEmpty)
        let requestCounts = scrape.samples("aws_elb_request_count_sum")
        #expect(requestCounts.count == 1, "\(scrape.text())")
        #expect(
            scrape.value("aws_elb_request_count_sum", Self.elb.merging(["load_balancer_name": "myLB"]) { $1 }) == 7,
            "\(scrape.text())"
        )
        let info = try #require(scrape.family("aws_resource_info"))
        #expect(info.type == .gauge)
        #expect(info.help == "AWS information available for resource")
        #expect(info.samples.count == 1, "\(scrape.text())")
        #expect(
            scrape.value(
                "aws_resource_info",
                [
                    "job": "aws_elb", "instance": "", "arn": lbARN, "load_balancer_name": "myLB",
                    "tag_Team": "payments",
                ]
            ) == 1,
            "\(scrape.text())"
        )
    }
}

@Suite struct ListMetricsDeduplicationTests {
    @Test func repeatedDimensionSetsAreRequestedOnce() async throws {
        let set = dims(("AvailabilityZone", "a"), ("LoadBalancerName", "myLB"))
        let aws = FakeAWS(
            .init(
                listMetrics: { input in
                    ListMetricsOutput(
                        metrics: Array(repeating: metric("AWS/ELB", "RequestCount", set), count: 3),
                        nextToken: input.nextToken == nil ? "more" : nil
                    )
                },
                getMetricStatistics: UpstreamCaseTests.averages([set: 2])
            )
        )
        let harness = try CollectorHarness(UpstreamCaseTests.twoDimensionRule, aws: aws)
        let scrape = await harness.scrape()
        #expect(aws.recorded.getMetricStatistics.count == 1)
        #expect(scrape.samples("aws_elb_request_count_average").count == 1)
    }
}
