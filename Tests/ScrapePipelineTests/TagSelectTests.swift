import AWSServices
import Foundation
import ResourceTags
import ScrapePipeline
import ScrapeStatus
import Telemetry
import Testing

/// `aws_tag_select` and `aws_resource_info` (cases A17–A24, A44, C16, C17).
@Suite struct TagSelectTests {
    static let ec2Rule = """
        metrics:
        - aws_namespace: AWS/EC2
          aws_metric_name: CPUUtilization
          aws_dimensions: [InstanceId]
          aws_tag_select:
            resource_type_selection: "ec2:instance"
            resource_id_dimension: InstanceId
            tag_selections:
              Monitoring: [enabled]
        """

    static func instances(_ ids: [String]) -> @Sendable (ListMetricsInput) -> ListMetricsOutput {
        { _ in
            ListMetricsOutput(
                metrics: ids.map { metric("AWS/EC2", "CPUUtilization", dims(("InstanceId", $0))) },
                nextToken: nil
            )
        }
    }

    static func averageByInstance(_ values: [String: Double])
        -> @Sendable (GetMetricStatisticsInput) -> GetMetricStatisticsOutput
    {
        { input in
            let value = values[input.dimensions.first?.value ?? ""] ?? 0
            return GetMetricStatisticsOutput(
                label: nil,
                datapoints: [Datapoint(timestamp: CollectorHarness.now, average: value)]
            )
        }
    }

    static func mapping(_ arn: String, _ tags: [(String, String)] = [("Monitoring", "enabled")]) -> ResourceTagMapping {
        ResourceTagMapping(resourceARN: arn, tags: tags.map { AWSTag(key: $0.0, value: $0.1) })
    }

    @Test func tagSelectFiltersAndEmitsResourceInfo() async throws {
        let aws = FakeAWS(
            .init(
                listMetrics: Self.instances(["i-1", "i-2"]),
                getMetricStatistics: Self.averageByInstance(["i-1": 2, "i-2": 2]),
                getResources: { _ in
                    GetResourcesOutput(
                        mappings: [Self.mapping("arn:aws:ec2:us-east-1:121212121212:instance/i-1")],
                        paginationToken: nil
                    )
                }
            )
        )
        let harness = try CollectorHarness(Self.ec2Rule, aws: aws)
        let scrape = await harness.scrape()
        let request = try #require(aws.recorded.getResources.first)
        #expect(request.resourceTypeFilters == ["ec2:instance"])
        #expect(request.tagFilters == [TagFilter(key: "Monitoring", values: ["enabled"])])
        #expect(
            scrape.value("aws_ec2_cpuutilization_average", ["job": "aws_ec2", "instance": "", "instance_id": "i-1"])
                == 2
        )
        #expect(
            scrape.value("aws_ec2_cpuutilization_average", ["job": "aws_ec2", "instance": "", "instance_id": "i-2"])
                == nil
        )
        #expect(
            scrape.value(
                "aws_resource_info",
                [
                    "job": "aws_ec2", "instance": "", "arn": "arn:aws:ec2:us-east-1:121212121212:instance/i-1",
                    "instance_id": "i-1", "tag_Monitoring": "enabled",
                ]
            ) == 1
        )
        #expect(
            harness.metrics.value(
                .taggingRequests,
                labels: ["action": "getResources", "resource_type": "ec2:instance"]
            ) == 1
        )
    }

    @Test func customArnRegexp() async throws {
        let arn =
            "arn:aws:wafv2:eu-west-1:123456789:regional/webacl/svc-integration-xxxx/d177aaf1-b18f-4f84-aa8e-f1c5c40fc426"
        let set = dims(("Region", "eu-west-1"), ("Rule", "WebAclLog"), ("WebACL", "svc-integration-xxxx"))
        let aws = FakeAWS(
            .init(
                listMetrics: { _ in
                    ListMetricsOutput(metrics: [metric("AWS/WAFV2", "CountedRequests", set)], nextToken: nil)
                },
                getMetricStatistics: { _ in
                    GetMetricStatisticsOutput(
                        label: nil,
                        datapoints: [Datapoint(timestamp: CollectorHarness.now, sum: 200)]
                    )
                },
                getResources: { _ in GetResourcesOutput(mappings: [Self.mapping(arn)], paginationToken: nil) }
            )
        )
        let harness = try CollectorHarness(
            """
            region: eu-west-1
            metrics:
            - aws_namespace: AWS/WAFV2
              aws_metric_name: CountedRequests
              aws_dimensions: [Region, Rule, WebACL]
              aws_statistics: [Sum]
              aws_tag_select:
                resource_type_selection: "wafv2:regional/webacl"
                resource_id_dimension: WebACL
                arn_resource_id_regexp: "([^/]+)/[^/]+$"
            """,
            aws: aws
        )
        let scrape = await harness.scrape()
        #expect(aws.recorded.getResources.first?.tagFilters == [])
        let labels = [
            "job": "aws_wafv2", "instance": "", "region": "eu-west-1", "rule": "WebAclLog",
            "web_acl": "svc-integration-xxxx",
        ]
        #expect(scrape.value("aws_wafv2_counted_requests_sum", labels) == 200)
        #expect(
            scrape.samples("aws_resource_info").first?.labels.first { $0.name == "web_acl" }?.value
                == "svc-integration-xxxx"
        )
    }

    @Test func loadBalancerArnDefaultRegexp() async throws {
        let aws = FakeAWS(
            .init(
                listMetrics: { _ in
                    ListMetricsOutput(
                        metrics: [
                            metric(
                                "AWS/ApplicationELB",
                                "RequestCount",
                                dims(("AvailabilityZone", "a"), ("LoadBalancer", "app/myLB/123"))
                            ),
                            metric(
                                "AWS/ApplicationELB",
                                "RequestCount",
                                dims(("AvailabilityZone", "a"), ("LoadBalancer", "app/myOtherLB/456"))
                            ),
                        ],
                        nextToken: nil
                    )
                },
                getMetricStatistics: { _ in
                    GetMetricStatisticsOutput(
                        label: nil,
                        datapoints: [Datapoint(timestamp: CollectorHarness.now, average: 2)]
                    )
                },
                getResources: { _ in
                    GetResourcesOutput(
                        mappings: [
                            Self.mapping(
                                "arn:aws:elasticloadbalancing:us-east-1:121212121212:loadbalancer/app/myLB/123"
                            )
                        ],
                        paginationToken: nil
                    )
                },
                v2LoadBalancers: { [] }
            )
        )
        let harness = try CollectorHarness(
            """
            metrics:
            - aws_namespace: AWS/ApplicationELB
              aws_metric_name: RequestCount
              aws_dimensions: [AvailabilityZone, LoadBalancer]
              aws_tag_select:
                resource_type_selection: "elasticloadbalancing:loadbalancer/app"
                resource_id_dimension: LoadBalancer
                tag_selections:
                  Monitoring: [enabled]
            """,
            aws: aws
        )
        let scrape = await harness.scrape()
        #expect(aws.recorded.getMetricStatistics.count == 1)
        #expect(
            scrape.samples("aws_resource_info").first?.labels.first { $0.name == "load_balancer" }?.value
                == "app/myLB/123"
        )
    }

    @Test func paginationTokenAndResourceInfoDeduplication() async throws {
        let aws = FakeAWS(
            .init(
                listMetrics: Self.instances(["i-1", "i-2"]),
                getMetricStatistics: Self.averageByInstance(["i-1": 2, "i-2": 3]),
                getResources: { input in
                    input.paginationToken == nil
                        ? GetResourcesOutput(
                            mappings: [
                                Self.mapping("arn:aws:ec2:r:1:instance/i-1"),
                                Self.mapping("arn:aws:ec2:r:1:instance/i-1"),
                            ],
                            paginationToken: "ABC"
                        )
                        : GetResourcesOutput(
                            mappings: [Self.mapping("arn:aws:ec2:r:1:instance/i-2")],
                            paginationToken: nil
                        )
                }
            )
        )
        let harness = try CollectorHarness(Self.ec2Rule, aws: aws)
        let scrape = await harness.scrape()
        #expect(aws.recorded.getResources.map(\.paginationToken) == [nil, "ABC"])
        #expect(scrape.samples("aws_resource_info").count == 2)
        #expect(
            scrape.value("aws_ec2_cpuutilization_average", ["job": "aws_ec2", "instance": "", "instance_id": "i-2"])
                == 3
        )
    }

    @Test func optionalTagSelectionDoesNotFilter() async throws {
        let aws = FakeAWS(
            .init(
                listMetrics: Self.instances(["i-1", "i-2", "i-no-tag"]),
                getMetricStatistics: Self.averageByInstance(["i-1": 2, "i-2": 3, "i-no-tag": 4]),
                getResources: { _ in
                    GetResourcesOutput(
                        mappings: [
                            Self.mapping("arn:aws:ec2:r:1:instance/i-1"), Self.mapping("arn:aws:ec2:r:1:instance/i-2"),
                        ],
                        paginationToken: nil
                    )
                }
            )
        )
        let harness = try CollectorHarness(
            """
            metrics:
            - aws_namespace: AWS/EC2
              aws_metric_name: CPUUtilization
              aws_dimensions: [InstanceId]
              aws_dimension_select:
                InstanceId: [i-1, i-no-tag]
              aws_tag_select:
                resource_type_selection: "ec2:instance"
                resource_id_dimension: InstanceId
            """,
            aws: aws
        )
        let scrape = await harness.scrape()
        let base = ["job": "aws_ec2", "instance": ""]
        #expect(scrape.value("aws_ec2_cpuutilization_average", base.merging(["instance_id": "i-1"]) { $1 }) == 2)
        #expect(scrape.value("aws_ec2_cpuutilization_average", base.merging(["instance_id": "i-2"]) { $1 }) == nil)
        #expect(scrape.value("aws_ec2_cpuutilization_average", base.merging(["instance_id": "i-no-tag"]) { $1 }) == 4)
        #expect(scrape.samples("aws_resource_info").count == 2)
    }

    @Test func resourceInfoTagKeysAreSanitisedAndFirstRuleWins() async throws {
        let arn = "arn:aws:ec2:r:1:instance/i-1"
        let aws = FakeAWS(
            .init(
                listMetrics: { _ in ListMetricsOutput(metrics: [], nextToken: nil) },
                getResources: { _ in
                    GetResourcesOutput(
                        mappings: [Self.mapping(arn, [("aws:cloudformation:stack-name", "web"), ("Env", "prod")])],
                        paginationToken: nil
                    )
                }
            )
        )
        let harness = try CollectorHarness(
            """
            metrics:
            - aws_namespace: AWS/EC2
              aws_metric_name: CPUUtilization
              aws_dimensions: [InstanceId]
              aws_tag_select: {resource_type_selection: "ec2:instance", resource_id_dimension: InstanceId}
            - aws_namespace: AWS/EBS
              aws_metric_name: VolumeReadOps
              aws_dimensions: [InstanceId]
              aws_tag_select: {resource_type_selection: "ec2:instance", resource_id_dimension: InstanceId}
            """,
            aws: aws
        )
        let info = await harness.scrape().samples("aws_resource_info")
        #expect(info.count == 1)
        let labels = Dictionary(uniqueKeysWithValues: try #require(info.first).labels.map { ($0.name, $0.value) })
        #expect(labels["job"] == "aws_ec2")
        #expect(labels["tag_aws_cloudformation_stack_name"] == "web")
        #expect(labels["tag_Env"] == "prod")
    }
}
