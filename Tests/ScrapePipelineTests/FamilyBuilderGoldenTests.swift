import AWSServices
import ConfigFile
import Exposition
import Foundation
import KubernetesAPI
import ResourceTags
import Testing

@testable import ScrapePipeline

/// The family builder alone, the node_exporter way: a plan, a result and tag snapshots in, the exact exposition text
/// out, compared with a golden file (`Golden/`). `UPDATE_GOLDEN=1 swift test --filter FamilyBuilderGoldenTests`
/// writes the files again; the diff is then reviewed like code.
@Suite struct FamilyBuilderGoldenTests {
    static let now = Date(timeIntervalSince1970: 1_704_067_200)

    static let config = """
        metrics:
        - aws_namespace: AWS/ELB
          aws_metric_name: RequestCount
          aws_dimensions: [LoadBalancerName]
          aws_statistics: [Sum, SampleCount]
          set_timestamp: false
        - aws_namespace: AWS/ApplicationELB
          aws_metric_name: TargetResponseTime
          aws_dimensions: [TargetGroup, LoadBalancer]
          aws_statistics: [Average]
          aws_extended_statistics: [p99]
        - aws_namespace: AWS/ELB
          aws_metric_name: Latency
          aws_dimensions: [LoadBalancerName]
          aws_statistics: [Maximum]
        """

    static func set(_ dimensions: [(String, String)], _ values: [(String, Double)], unit: String = "Count")
        -> DimensionSetData
    {
        DimensionSetData(
            dimensions: dimensions.map { MetricDimension(name: $0.0, value: $0.1) },
            timestamp: now.addingTimeInterval(-600),
            values: values.map { .init(statistic: $0.0, value: $0.1) },
            unit: unit
        )
    }

    static func snapshot() -> LoadBalancerTagSnapshot {
        var snapshot = LoadBalancerTagSnapshot()
        snapshot.replace(
            .classic,
            with: [
                "a1b2c3": LoadBalancerRecord(
                    kind: .classic,
                    name: "a1b2c3",
                    dimensionValue: "a1b2c3",
                    arn: nil,
                    tags: [
                        AWSTag(key: "kubernetes.io/service-name", value: "shop/web"),
                        AWSTag(key: "kubernetes.io/cluster/prod", value: "owned"),
                    ],
                    dnsName: "a1b2c3-1234567890.us-east-1.elb.amazonaws.com"
                )
            ],
            refreshedAt: now.addingTimeInterval(-30)
        )
        snapshot.replace(
            .v2,
            with: [
                "app/k8s-shop-front/50dc6c495c0c9188": LoadBalancerRecord(
                    kind: .application,
                    name: "k8s-shop-front",
                    dimensionValue: "app/k8s-shop-front/50dc6c495c0c9188",
                    arn:
                        "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/k8s-shop-front/50dc6c495c0c9188",
                    tags: [AWSTag(key: "ingress.k8s.aws/stack", value: "shop/front")]
                )
            ],
            refreshedAt: now.addingTimeInterval(-90)
        )
        // A target group of the ALB, tagged as the AWS Load Balancer Controller tags an Ingress's backend.
        snapshot.replaceTargetGroups(
            [
                "targetgroup/k8s-shop-cart-0123456789/73e2d6bc24d8a067": TargetGroupRecord(
                    arn:
                        "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/k8s-shop-cart-0123456789/73e2d6bc24d8a067",
                    name: "k8s-shop-cart-0123456789",
                    dimensionValue: "targetgroup/k8s-shop-cart-0123456789/73e2d6bc24d8a067",
                    loadBalancerARNs: [
                        "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/k8s-shop-front/50dc6c495c0c9188"
                    ],
                    port: 8080,
                    tags: [
                        AWSTag(key: "ingress.k8s.aws/stack", value: "shop/front"),
                        AWSTag(key: "ingress.k8s.aws/resource", value: "shop/front-cart:8080"),
                    ]
                )
            ],
            refreshedAt: now.addingTimeInterval(-60)
        )
        return snapshot
    }

    static func render(
        _ result: ScrapeResult,
        duration: Duration = .milliseconds(1_500),
        kubernetes: KubernetesDirectorySnapshot? = nil,
        serviceLabels: [String] = []
    ) throws -> String {
        let config = try ConfigLoader.parse(yaml: config, file: "golden.yml").config
        let plan = try ScrapePlan(config: config)
        let builder = FamilyBuilder(
            plan: plan,
            regions: [:],
            elbTagsInfo: true,
            labelMemo: SampleLabelMemo(),
            elbTagsMemo: FamilyMemo(),
            targetGroupInfoMemo: FamilyMemo(),
            clusterLabel: "cluster",
            identities: KubernetesIdentityResolver(kubernetes: kubernetes, serviceLabels: serviceLabels)
        )
        let output = builder.families(
            result,
            snapshots: Dictionary(plan.targets.map { ($0, snapshot()) }, uniquingKeysWith: { first, _ in first }),
            duration: duration
        )
        return String(
            decoding: ExpositionRenderer.render(output.families, format: .text004, nameFilter: nil),
            as: UTF8.self
        )
    }

    static func compare(_ text: String, golden name: String) throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/\(name)")
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(text == expected, "differs from Golden/\(name); UPDATE_GOLDEN=1 rewrites it")
    }

    @Test func aFullScrape() throws {
        var requests = RuleResult()
        requests.sets = [
            Self.set([("LoadBalancerName", "a1b2c3")], [("Sum", 42), ("SampleCount", 7)]),
            Self.set([("LoadBalancerName", "untagged")], [("Sum", 1)]),
        ]
        var latency = RuleResult()
        latency.sets = [
            Self.set(
                [
                    ("TargetGroup", "targetgroup/k8s-shop-cart-0123456789/73e2d6bc24d8a067"),
                    ("LoadBalancer", "app/k8s-shop-front/50dc6c495c0c9188"),
                ],
                [("Average", 0.25), ("p99", 1.5)],
                unit: "Seconds"
            )
        ]
        var failing = RuleResult()
        failing.failures = 1
        let result = ScrapeResult(
            scrapeTime: Self.now,
            rules: [requests, latency, failing],
            targetLabels: [:],
            missedRequests: 0,
            failedTargets: [AWSTarget()]
        )
        try Self.compare(try Self.render(result), golden: "family_builder_full.prom")
    }

    /// The Kubernetes API knows the Service behind the classic load balancer (by its DNS name): its namespace and name
    /// win over the tags', the cluster still comes from the tags, and the allowlisted Service labels come last.
    @Test func theKubernetesAPIWinsOverTagsAndAddsServiceLabels() throws {
        var requests = RuleResult()
        requests.sets = [Self.set([("LoadBalancerName", "a1b2c3")], [("Sum", 42), ("SampleCount", 7)])]
        let kubernetes = KubernetesDirectorySnapshot(
            services: [
                KubernetesService(
                    name: KubernetesObjectName(namespace: "storefront", name: "web-v2"),
                    loadBalancerHostnames: ["A1B2C3-1234567890.us-east-1.elb.amazonaws.com."],
                    labels: ["team": "checkout", "app.kubernetes.io/name": "web"]
                )
            ],
            targetGroupBindings: []
        )
        let result = ScrapeResult(
            scrapeTime: Self.now,
            rules: [requests, RuleResult(), RuleResult()],
            targetLabels: [:],
            missedRequests: 0,
            failedTargets: []
        )
        try Self.compare(
            try Self.render(
                result,
                kubernetes: kubernetes,
                serviceLabels: ["app.kubernetes.io/name", "team", "absent"]
            ),
            golden: "family_builder_kubernetes.prom"
        )
    }

    @Test func anEmptyScrapeStillHasItsSelfMetricsAndInfoFamilies() throws {
        let result = ScrapeResult(
            scrapeTime: Self.now,
            rules: [RuleResult(), RuleResult(), RuleResult()],
            targetLabels: [:],
            missedRequests: 3,
            failedTargets: []
        )
        try Self.compare(try Self.render(result, duration: .seconds(5)), golden: "family_builder_empty.prom")
    }
}
