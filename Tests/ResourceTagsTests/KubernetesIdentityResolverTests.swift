import AWSServices
import ConfigFile
import Foundation
import KubernetesAPI
import ResourceTags
import Testing

/// Precedence: the Kubernetes API, then the target group's tags, then the load balancer's tags; each series gets the
/// Service of its target group when it has one, else of its load balancer.
@Suite struct KubernetesIdentityResolverTests {
    static let account = "arn:aws:elasticloadbalancing:us-east-1:123456789012"
    static let loadBalancer = LoadBalancerRecord(
        kind: .application,
        name: "k8s-shop-front",
        dimensionValue: "app/k8s-shop-front/50dc6c495c0c9188",
        arn: "\(account):loadbalancer/app/k8s-shop-front/50dc6c495c0c9188",
        tags: [AWSTag(key: "ingress.k8s.aws/stack", value: "shop/front")],
        dnsName: "k8s-shop-front-1.us-east-1.elb.amazonaws.com"
    )
    static let targetGroup = TargetGroupRecord(
        arn: "\(account):targetgroup/k8s-shop-cart-0123456789/73e2d6bc24d8a067",
        name: "k8s-shop-cart-0123456789",
        dimensionValue: "targetgroup/k8s-shop-cart-0123456789/73e2d6bc24d8a067",
        loadBalancerARNs: [loadBalancer.arn ?? ""],
        port: 8080,
        tags: [AWSTag(key: "ingress.k8s.aws/resource", value: "shop/front-cart:8080")]
    )

    static func snapshot() -> LoadBalancerTagSnapshot {
        var snapshot = LoadBalancerTagSnapshot()
        snapshot.replace(.v2, with: [loadBalancer.dimensionValue: loadBalancer], refreshedAt: Date())
        snapshot.replaceTargetGroups([targetGroup.dimensionValue: targetGroup], refreshedAt: Date())
        return snapshot
    }

    static let series = [
        MetricDimension(name: "TargetGroup", value: targetGroup.dimensionValue),
        MetricDimension(name: "LoadBalancer", value: loadBalancer.dimensionValue),
    ]

    @Test func theTargetGroupsTagsNameItsService() throws {
        let identity = try #require(
            KubernetesIdentityResolver(kubernetes: nil).identity(
                cloudWatchNamespace: "AWS/ApplicationELB",
                dimensions: Self.series,
                tags: Self.snapshot()
            )
        )
        #expect(
            identity
                == KubernetesIdentity(
                    namespace: "shop",
                    service: "cart",
                    ingress: "front",
                    port: "8080",
                    source: .targetGroupTags
                )
        )
    }

    @Test func aTargetGroupBindingWinsAndBringsTheServiceLabels() throws {
        let kubernetes = KubernetesDirectorySnapshot(
            services: [
                KubernetesService(
                    name: KubernetesObjectName(namespace: "shop", name: "cart-v2"),
                    loadBalancerHostnames: [],
                    labels: ["team": "payments"]
                )
            ],
            targetGroupBindings: [
                KubernetesTargetGroupBinding(
                    name: KubernetesObjectName(namespace: "shop", name: "k8s-shop-cart-0123456789"),
                    targetGroupARN: Self.targetGroup.arn,
                    service: KubernetesObjectName(namespace: "shop", name: "cart-v2"),
                    port: .name("http")
                )
            ]
        )
        let identity = try #require(
            KubernetesIdentityResolver(kubernetes: kubernetes, serviceLabels: ["team"]).identity(
                cloudWatchNamespace: "AWS/ApplicationELB",
                dimensions: Self.series,
                tags: Self.snapshot()
            )
        )
        #expect(identity.source == .kubernetesAPI)
        #expect(identity.service == "cart-v2" && identity.port == "http")
        #expect(identity.serviceLabels == ["team": "payments"])
    }

    @Test func aLoadBalancerSeriesTakesTheServiceShowingItsDNSName() throws {
        let kubernetes = KubernetesDirectorySnapshot(
            services: [
                KubernetesService(
                    name: KubernetesObjectName(namespace: "edge", name: "gateway"),
                    loadBalancerHostnames: ["K8S-SHOP-FRONT-1.us-east-1.elb.amazonaws.com."],
                    labels: [:]
                )
            ],
            targetGroupBindings: []
        )
        let resolver = KubernetesIdentityResolver(kubernetes: kubernetes)
        let identity = resolver.identity(
            cloudWatchNamespace: "AWS/ApplicationELB",
            dimensions: [MetricDimension(name: "LoadBalancer", value: Self.loadBalancer.dimensionValue)],
            tags: Self.snapshot()
        )
        #expect(identity?.namespace == "edge" && identity?.service == "gateway" && identity?.source == .kubernetesAPI)
        // Without the API, a load balancer series has no identity beyond its tags: the deriver reads those.
        #expect(
            KubernetesIdentityResolver(kubernetes: nil).identity(
                cloudWatchNamespace: "AWS/ApplicationELB",
                dimensions: [MetricDimension(name: "LoadBalancer", value: Self.loadBalancer.dimensionValue)],
                tags: Self.snapshot()
            ) == nil
        )
    }

    @Test func theDeriverPutsTheIdentityFirstAndKeepsTheLoadBalancersIngressAndCluster() {
        let settings = TagLabelSettings()
        let labels = TagLabelDeriver(settings: settings).labels(
            for: [
                AWSTag(key: "ingress.k8s.aws/stack", value: "shop/front"),
                AWSTag(key: "elbv2.k8s.aws/cluster", value: "prod"),
            ],
            identity: KubernetesIdentity(
                namespace: "shop",
                service: "cart",
                serviceLabels: ["team": "payments", "ignored": "x"],
                source: .targetGroupTags
            ),
            serviceLabels: ["team"]
        )
        #expect(
            labels.map { "\($0.name)=\($0.value)" } == [
                "namespace=shop", "service=cart", "ingress=front", "cluster=prod", "label_team=payments",
            ]
        )
    }
}
