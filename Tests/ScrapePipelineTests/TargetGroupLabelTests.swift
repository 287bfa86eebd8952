import AWSServices
import ConfigFile
import Exposition
import Foundation
import ResourceTags
import ScrapePipeline
import Testing

/// Target group series carry their backend Service: the target groups of a shared ALB (an explicit IngressGroup with
/// dashes in its names) are listed and tagged in the background, and each series gets its own Service.
@Suite struct TargetGroupLabelTests {
    static let account = "arn:aws:elasticloadbalancing:us-east-1:123456789012"
    static let alb = LoadBalancerV2(
        arn: "\(account):loadbalancer/app/k8s-shopgroup-1a2b3c4d5e/50dc6c495c0c9188",
        name: "k8s-shopgroup-1a2b3c4d5e",
        type: "application",
        dnsName: "k8s-shopgroup-1a2b3c4d5e-123.us-east-1.elb.amazonaws.com"
    )
    static let albDimension = "app/k8s-shopgroup-1a2b3c4d5e/50dc6c495c0c9188"

    static func targetGroup(_ name: String, _ id: String, resource: String) -> (TargetGroup, [AWSTag]) {
        (
            TargetGroup(
                arn: "\(account):targetgroup/\(name)/\(id)",
                name: name,
                loadBalancerARNs: [alb.arn],
                port: 8080
            ),
            [
                AWSTag(key: "ingress.k8s.aws/stack", value: "shop-group"),
                AWSTag(key: "ingress.k8s.aws/resource", value: resource),
                AWSTag(key: "elbv2.k8s.aws/cluster", value: "prod"),
            ]
        )
    }

    /// Ingress `shop-web` routes to Services `checkout-api` and `cart` through the group's ALB: the resource ids
    /// `shop/shop-web-checkout-api:8080` and `shop/shop-web-cart:8080` split several ways, and the controller's target
    /// group names (`k8s-shop-checkou-…`, `k8s-shop-cart-…`) settle which.
    static let targetGroups = [
        targetGroup("k8s-shop-checkout-0a1b2c3d4e", "73e2d6bc24d8a067", resource: "shop/shop-web-checkout-api:8080"),
        targetGroup("k8s-shop-cart-9f8e7d6c5b", "9f3b8c2a1d0e4f56", resource: "shop/shop-web-cart:8080"),
    ]

    static let config = """
        metrics:
        - aws_namespace: AWS/ApplicationELB
          aws_metric_name: HTTPCode_Target_5XX_Count
          aws_dimensions: [TargetGroup, LoadBalancer]
          aws_statistics: [Sum]
        - aws_namespace: AWS/ApplicationELB
          aws_metric_name: RequestCount
          aws_dimensions: [LoadBalancer]
          aws_statistics: [Sum]
        """

    static func aws() -> FakeAWS {
        FakeAWS(
            .init(
                listMetrics: { input in
                    let sets =
                        input.dimensions.count == 2
                        ? targetGroups.map { group in
                            dims(
                                ("TargetGroup", TargetGroup.dimensionValue(arn: group.0.arn) ?? ""),
                                ("LoadBalancer", albDimension)
                            )
                        }
                        : [dims(("LoadBalancer", albDimension))]
                    return ListMetricsOutput(
                        metrics: sets.map { metric("AWS/ApplicationELB", input.metricName ?? "", $0) },
                        nextToken: nil
                    )
                },
                getMetricStatistics: LoadBalancerTagLabelTests.sums(3),
                v2LoadBalancers: {
                    [
                        (
                            alb,
                            [
                                AWSTag(key: "ingress.k8s.aws/stack", value: "shop-group"),
                                AWSTag(key: "elbv2.k8s.aws/cluster", value: "prod"),
                            ]
                        )
                    ]
                },
                targetGroups: { targetGroups }
            )
        )
    }

    static func labels(_ sample: Sample) -> [String: String] {
        Dictionary(sample.labels.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    @Test func eachTargetGroupSeriesCarriesItsBackendService() async throws {
        let harness = try CollectorHarness(Self.config, aws: Self.aws())
        let scrape = await harness.scrape()
        let perTargetGroup = scrape.samples("aws_applicationelb_httpcode_target_5_xx_count_sum").map(Self.labels)
        #expect(perTargetGroup.count == 2)
        #expect(
            Set(perTargetGroup.map { "\($0["namespace"] ?? "-")/\($0["service"] ?? "-") \($0["ingress"] ?? "-")" })
                == ["shop/checkout-api shop-web", "shop/cart shop-web"]
        )
        #expect(perTargetGroup.allSatisfy { $0["cluster"] == "prod" })
        // The ALB's own series belong to no single Service: the group's ALB says nothing but its cluster.
        let perLoadBalancer = try #require(scrape.samples("aws_applicationelb_request_count_sum").first)
        #expect(Self.labels(perLoadBalancer)["service"] == nil)
        #expect(Self.labels(perLoadBalancer)["cluster"] == "prod")
        // One info series per target group, saying where the Service came from.
        let info = scrape.samples("aws_elb_target_group_info").map(Self.labels)
        #expect(info.count == 2)
        #expect(info.allSatisfy { $0["source"] == "target_group_tags" && $0["load_balancer"] == Self.albDimension })
        #expect(Set(info.compactMap { $0["service"] }) == ["checkout-api", "cart"])
        #expect(info.allSatisfy { $0["port"] == "8080" })
        #expect(scrape.value("cloudwatch_exporter_load_balancer_tags_cache_entries", ["type": "target_group"]) == 2)
        #expect(harness.aws.recorded.describeTags >= 1)
    }

    @Test func withoutTargetGroupRulesNoTargetGroupIsListed() async throws {
        let aws = Self.aws()
        aws.handlers.withLock { $0.targetGroups = nil }
        let harness = try CollectorHarness(
            """
            metrics:
            - aws_namespace: AWS/ApplicationELB
              aws_metric_name: RequestCount
              aws_dimensions: [LoadBalancer]
              aws_statistics: [Sum]
            """,
            aws: aws
        )
        let scrape = await harness.scrape()
        #expect(scrape.samples("aws_elb_target_group_info").isEmpty)
        #expect(scrape.family("aws_elb_target_group_info") == nil)
        #expect(harness.metrics.value(.tagRefreshErrors, labels: ["service": "elbv2"]) == 0)
    }
}
