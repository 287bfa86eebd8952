import AWSServices
import ConfigFile
import Foundation
import ResourceTags
import ScrapePipeline
import ScrapeStatus
import Telemetry
import Testing

/// Issue 4: load balancer tags as labels on every sample, and `aws_elb_tags`.
@Suite struct LoadBalancerTagLabelTests {
    static let classicName = "a1b2c3d4e5f60718293a4b5c6d7e8f90"

    static func tags(_ pairs: [(String, String)]) -> [AWSTag] { pairs.map { AWSTag(key: $0.0, value: $0.1) } }

    static func sums(_ value: Double = 42) -> @Sendable (GetMetricStatisticsInput) -> GetMetricStatisticsOutput {
        { _ in
            GetMetricStatisticsOutput(
                label: nil,
                datapoints: [Datapoint(timestamp: CollectorHarness.now, sum: value, unit: "Count")]
            )
        }
    }

    static let classicRule = """
        metrics:
        - aws_namespace: AWS/ELB
          aws_metric_name: RequestCount
          aws_dimensions: [LoadBalancerName]
          aws_statistics: [Sum]
        """

    static func classicAWS(_ loadBalancers: [(String, [AWSTag])]) -> FakeAWS {
        FakeAWS(
            .init(
                listMetrics: { _ in
                    ListMetricsOutput(
                        metrics: loadBalancers.map {
                            metric("AWS/ELB", "RequestCount", dims(("LoadBalancerName", $0.0)))
                        },
                        nextToken: nil
                    )
                },
                getMetricStatistics: sums(),
                classicLoadBalancers: { loadBalancers }
            )
        )
    }

    @Test func classicELBGetsNamespaceServiceAndCluster() async throws {
        let aws = Self.classicAWS([
            (
                Self.classicName,
                Self.tags([
                    ("kubernetes.io/service-name", "default/test-service"), ("kubernetes.io/cluster/prod", "owned"),
                ])
            )
        ])
        let harness = try CollectorHarness(Self.classicRule, aws: aws)
        await harness.refreshTags()
        let scrape = await harness.scrape()
        let sample = try #require(scrape.samples("aws_elb_request_count_sum").first)
        #expect(
            sample.labels.map { "\($0.name)=\($0.value)" } == [
                "job=aws_elb", "instance=", "load_balancer_name=\(Self.classicName)", "namespace=default",
                "service=test-service", "cluster=prod",
            ]
        )
        let info = try #require(scrape.samples("aws_elb_tags").first)
        let infoLabels = Dictionary(uniqueKeysWithValues: info.labels.map { ($0.name, $0.value) })
        #expect(infoLabels["load_balancer_name"] == Self.classicName)
        #expect(infoLabels["kubernetes_io_service_name"] == "default/test-service")
        #expect(infoLabels["kubernetes_io_cluster_prod"] == "owned")
    }

    @Test func steadyStateScrapeMakesNoTagCalls() async throws {
        let aws = Self.classicAWS([(Self.classicName, Self.tags([("kubernetes.io/service-name", "default/web")]))])
        let harness = try CollectorHarness(Self.classicRule, aws: aws)
        await harness.refreshTags()
        let before = aws.recorded
        _ = await harness.scrape()
        _ = await harness.scrape()
        #expect(aws.recorded.describeTags == before.describeTags)
        #expect(aws.recorded.describeLoadBalancers == before.describeLoadBalancers)
    }

    @Test func v2LoadBalancersMatchByTypeNameAndId() async throws {
        let alb = LoadBalancerV2(
            arn:
                "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/k8s-default-web-abc/50dc6c495c0c9188",
            name: "k8s-default-web-abc",
            type: "application",
            dnsName: ""
        )
        // moto writes NLB ARNs as app/...; the dimension is built from the Type.
        let nlb = LoadBalancerV2(
            arn:
                "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/k8s-shop-api-def/1234567890abcdef",
            name: "k8s-shop-api-def",
            type: "network",
            dnsName: ""
        )
        let aws = FakeAWS(
            .init(
                listMetrics: { input in
                    switch input.namespace {
                    case "AWS/ApplicationELB":
                        ListMetricsOutput(
                            metrics: [
                                metric(
                                    "AWS/ApplicationELB",
                                    "HealthyHostCount",
                                    dims(
                                        ("TargetGroup", "targetgroup/tg/1"),
                                        ("LoadBalancer", "app/k8s-default-web-abc/50dc6c495c0c9188")
                                    )
                                )
                            ],
                            nextToken: nil
                        )
                    default:
                        ListMetricsOutput(
                            metrics: [
                                metric(
                                    "AWS/NetworkELB",
                                    "HealthyHostCount",
                                    dims(
                                        ("TargetGroup", "targetgroup/tg/2"),
                                        ("LoadBalancer", "net/k8s-shop-api-def/1234567890abcdef")
                                    )
                                )
                            ],
                            nextToken: nil
                        )
                    }
                },
                getMetricStatistics: { _ in
                    GetMetricStatisticsOutput(
                        label: nil,
                        datapoints: [Datapoint(timestamp: CollectorHarness.now, average: 3)]
                    )
                },
                v2LoadBalancers: {
                    [
                        (
                            alb,
                            Self.tags([("ingress.k8s.aws/stack", "default/web"), ("elbv2.k8s.aws/cluster", "prod")])
                        ),
                        (nlb, Self.tags([("service.k8s.aws/stack", "shop/api"), ("elbv2.k8s.aws/cluster", "prod")])),
                    ]
                }
            )
        )
        let harness = try CollectorHarness(
            """
            metrics:
            - aws_namespace: AWS/ApplicationELB
              aws_metric_name: HealthyHostCount
              aws_dimensions: [TargetGroup, LoadBalancer]
              aws_statistics: [Average]
            - aws_namespace: AWS/NetworkELB
              aws_metric_name: HealthyHostCount
              aws_dimensions: [TargetGroup, LoadBalancer]
              aws_statistics: [Average]
            """,
            aws: aws
        )
        await harness.refreshTags()
        let scrape = await harness.scrape()
        let albSample = try #require(scrape.samples("aws_applicationelb_healthy_host_count_average").first)
        let albLabels = Dictionary(uniqueKeysWithValues: albSample.labels.map { ($0.name, $0.value) })
        #expect(albLabels["namespace"] == "default" && albLabels["ingress"] == "web" && albLabels["cluster"] == "prod")
        #expect(albLabels["service"] == nil)
        let nlbSample = try #require(scrape.samples("aws_networkelb_healthy_host_count_average").first)
        let nlbLabels = Dictionary(uniqueKeysWithValues: nlbSample.labels.map { ($0.name, $0.value) })
        #expect(nlbLabels["namespace"] == "shop" && nlbLabels["service"] == "api")
        #expect(
            scrape.samples("aws_elb_tags").contains {
                $0.labels.contains { $0 == ("load_balancer", "net/k8s-shop-api-def/1234567890abcdef") }
            }
        )
    }

    @Test func configuredTagMapAllTagsAndClashes() async throws {
        let aws = Self.classicAWS([
            (
                Self.classicName,
                Self.tags([
                    ("team", "payments"), ("load_balancer_name", "spoof"), ("aws:cloudformation:stack-name", "stack"),
                    ("kubernetes.io/service-name", "default/web"),
                ])
            )
        ])
        let harness = try CollectorHarness(
            """
            tag_labels:
              tags:
                team: owner_team
                load_balancer_name: load_balancer_name
              all_tags: true
              kubernetes: false
            """ + "\n" + Self.classicRule,
            aws: aws
        )
        await harness.refreshTags()
        let sample = try #require(await harness.scrape().samples("aws_elb_request_count_sum").first)
        let labels = Dictionary(sample.labels.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        #expect(labels["load_balancer_name"] == Self.classicName)
        #expect(sample.labels.filter { $0.name == "load_balancer_name" }.count == 1)
        #expect(labels["owner_team"] == "payments")
        #expect(labels["tag_aws_cloudformation_stack_name"] == "stack")
        #expect(labels["namespace"] == nil)
    }

    @Test func perRuleOverrideTurnsLabelsOff() async throws {
        let aws = Self.classicAWS([(Self.classicName, Self.tags([("kubernetes.io/service-name", "default/web")]))])
        let harness = try CollectorHarness(Self.classicRule + "\n  tag_labels:\n    enabled: false\n", aws: aws)
        await harness.refreshTags()
        let sample = try #require(await harness.scrape().samples("aws_elb_request_count_sum").first)
        #expect(sample.labels.map(\.name) == ["job", "instance", "load_balancer_name"])
    }

    /// A fake AWS whose classic load balancers (and their RequestCount metrics) are `fleet`'s at each call.
    static func fleetAWS(
        _ fleet: LoadBalancerFleet,
        getMetricStatistics: @escaping @Sendable (GetMetricStatisticsInput) async throws -> GetMetricStatisticsOutput =
            sums()
    ) -> FakeAWS {
        FakeAWS(
            .init(
                listMetrics: { _ in
                    ListMetricsOutput(
                        metrics: fleet.names.map { metric("AWS/ELB", "RequestCount", dims(("LoadBalancerName", $0))) },
                        nextToken: nil
                    )
                },
                getMetricStatistics: getMetricStatistics,
                classicLoadBalancers: { try fleet.current() }
            )
        )
    }

    @Test func failedRefreshKeepsLastKnownTagsAndNewOnesAppearDeletedOnesGo() async throws {
        let state = LoadBalancerFleet(
            [(Self.classicName, Self.tags([("kubernetes.io/service-name", "default/web")]))]
        )
        let harness = try CollectorHarness(Self.classicRule, aws: Self.fleetAWS(state))
        await harness.refreshTags()
        state.failing = true
        await harness.refreshTags()
        var scrape = await harness.scrape()
        #expect(scrape.samples("aws_elb_request_count_sum").first?.labels.contains { $0 == ("service", "web") } == true)
        #expect(harness.metrics.value(.tagRefreshErrors, labels: ["service": "elb"]) == 1)
        #expect(scrape.scrapeError == 0)

        state.failing = false
        state.set([("anew0000000000000000000000000000", Self.tags([("kubernetes.io/service-name", "shop/cart")]))])
        await harness.refreshTags()
        scrape = await harness.scrape()
        let samples = scrape.samples("aws_elb_request_count_sum")
        #expect(samples.count == 1)
        #expect(samples.first?.labels.contains { $0 == ("service", "cart") } == true)
        #expect(scrape.samples("aws_elb_tags").count == 1)
    }

    /// Labels and `aws_elb_tags` are kept from scrape to scrape while the tags are unchanged; a refresh that changes
    /// a load balancer's tags changes them at the next scrape.
    @Test func changedTagsOfTheSameLoadBalancerRelabelTheNextScrape() async throws {
        let state = LoadBalancerFleet(
            [(Self.classicName, Self.tags([("kubernetes.io/service-name", "default/web")]))]
        )
        let harness = try CollectorHarness(Self.classicRule, aws: Self.fleetAWS(state))
        await harness.refreshTags()
        for _ in 0..<2 {
            let scrape = await harness.scrape()
            let labels = scrape.samples("aws_elb_request_count_sum").first?.labels ?? []
            #expect(labels.contains { $0 == ("service", "web") } && labels.contains { $0 == ("namespace", "default") })
            #expect(
                scrape.samples("aws_elb_tags").first?.labels.contains {
                    $0 == ("kubernetes_io_service_name", "default/web")
                } == true
            )
        }
        state.set([(Self.classicName, Self.tags([("kubernetes.io/service-name", "shop/cart")]))])
        await harness.refreshTags()
        let scrape = await harness.scrape()
        let labels = scrape.samples("aws_elb_request_count_sum").first?.labels ?? []
        #expect(labels.contains { $0 == ("service", "cart") } && labels.contains { $0 == ("namespace", "shop") })
        #expect(scrape.samples("aws_elb_request_count_sum").count == 1)
        #expect(
            scrape.samples("aws_elb_tags").first?.labels.contains { $0 == ("kubernetes_io_service_name", "shop/cart") }
                == true
        )
    }

    @Test func tagLookupFailureStillExportsMetrics() async throws {
        let aws = FakeAWS(
            .init(
                listMetrics: { _ in
                    ListMetricsOutput(
                        metrics: [metric("AWS/ELB", "RequestCount", dims(("LoadBalancerName", Self.classicName)))],
                        nextToken: nil
                    )
                },
                getMetricStatistics: Self.sums(),
                classicLoadBalancers: { throw AWSErrorFixture.accessDenied }
            )
        )
        let harness = try CollectorHarness(Self.classicRule, aws: aws)
        await harness.refreshTags()
        let scrape = await harness.scrape()
        let sample = try #require(scrape.samples("aws_elb_request_count_sum").first)
        #expect(sample.labels.map(\.name) == ["job", "instance", "load_balancer_name"])
        #expect(harness.metrics.value(.tagRefreshErrors, labels: ["service": "elb"]) >= 1)
        #expect(scrape.samples("cloudwatch_exporter_load_balancer_tags_cache_age_seconds").isEmpty)
    }
}

/// A mutable set of classic load balancers for refresh tests.
final class LoadBalancerFleet: @unchecked Sendable {
    private let lock = NSLock()
    private var loadBalancers: [(String, [AWSTag])]
    private var shouldFail = false

    init(_ loadBalancers: [(String, [AWSTag])]) { self.loadBalancers = loadBalancers }

    var failing: Bool {
        get { lock.withLock { shouldFail } }
        set { lock.withLock { shouldFail = newValue } }
    }

    var names: [String] { lock.withLock { loadBalancers.map(\.0) } }

    func set(_ value: [(String, [AWSTag])]) { lock.withLock { loadBalancers = value } }

    func current() throws -> [(String, [AWSTag])] {
        try lock.withLock {
            if shouldFail { throw AWSErrorFixture.accessDenied }
            return loadBalancers
        }
    }
}
