import AWSServices
import ResourceTags
import Testing

/// One target group as a controller (or a hostile answer) leaves it, and the backend its tags must give.
struct ConventionCase: Sendable, CustomTestStringConvertible {
    var label: String
    var name: String
    var tags: [AWSTag]
    var loadBalancerTags: [AWSTag] = []
    var expected: KubernetesBackend?

    var testDescription: String { label }

    func resolve() -> KubernetesBackend? {
        TargetGroupConventions.backend(targetGroupName: name, targetGroupTags: tags, loadBalancerTags: loadBalancerTags)
    }
}

/// Tags from `key=value` pairs, in order.
func tags(_ pairs: KeyValuePairs<String, String>) -> [AWSTag] {
    pairs.map { AWSTag(key: $0.key, value: $0.value) }
}

func reading(_ ingress: String, _ service: String) -> KubernetesBackend.Reading {
    KubernetesBackend.Reading(ingress: ingress, service: service)
}

@Suite struct TargetGroupConventionsTests {
    static let cluster = AWSTag(key: "elbv2.k8s.aws/cluster", value: "demo")

    // MARK: The issue's examples, one per convention

    static let issueExamples: [ConventionCase] = [
        ConventionCase(
            label: "explicit group shop-group: Ingress shop-web, Service checkout-api, the name decides",
            name: "k8s-shop-checkout-9f8e7d6c5b",
            tags: [cluster]
                + tags([
                    "ingress.k8s.aws/stack": "shop-group",
                    "ingress.k8s.aws/resource": "shop/shop-web-checkout-api:8080",
                ]),
            loadBalancerTags: tags(["ingress.k8s.aws/stack": "shop-group", "ingress.k8s.aws/resource": "LoadBalancer"]),
            expected: KubernetesBackend(
                namespace: "shop",
                service: "checkout-api",
                port: "8080",
                ingress: "shop-web",
                source: .ingressTags
            )
        ),
        ConventionCase(
            label: "explicit group shop-group: Ingress shop-web, Service cart on a named port",
            name: "k8s-shop-cart-0123456789",
            tags: [cluster]
                + tags(["ingress.k8s.aws/stack": "shop-group", "ingress.k8s.aws/resource": "shop/shop-web-cart:http"]),
            expected: KubernetesBackend(
                namespace: "shop",
                service: "cart",
                port: "http",
                ingress: "shop-web",
                source: .ingressTags
            )
        ),
        ConventionCase(
            label: "implicit group shop/web with backend frontend: the stack settles the split",
            name: "k8s-shop-frontend-5d4c3b2a10",
            tags: [cluster]
                + tags(["ingress.k8s.aws/stack": "shop/web", "ingress.k8s.aws/resource": "shop/web-frontend:80"]),
            expected: KubernetesBackend(
                namespace: "shop",
                service: "frontend",
                port: "80",
                ingress: "web",
                source: .ingressTags
            )
        ),
        ConventionCase(
            label: "NLB of the Service payments/ledger (AWS Load Balancer Controller)",
            name: "k8s-payments-ledger-a1b2c3d4e5",
            tags: [cluster]
                + tags([
                    "service.k8s.aws/stack": "payments/ledger", "service.k8s.aws/resource": "payments/ledger:443",
                ]),
            loadBalancerTags: tags([
                "service.k8s.aws/stack": "payments/ledger", "service.k8s.aws/resource": "LoadBalancer",
            ]),
            expected: KubernetesBackend(namespace: "payments", service: "ledger", port: "443", source: .serviceTags)
        ),
        ConventionCase(
            label: "in-tree NLB target group: the load balancer's tags, copied",
            name: "k8s-default-legacy-b7c8d9e0f1",
            tags: tags(["kubernetes.io/service-name": "default/legacy", "kubernetes.io/cluster/demo": "owned"]),
            loadBalancerTags: tags([
                "kubernetes.io/service-name": "default/legacy", "kubernetes.io/cluster/demo": "owned",
            ]),
            expected: KubernetesBackend(namespace: "default", service: "legacy", source: .inTreeTags)
        ),
        ConventionCase(
            label: "aws-alb-ingress-controller v1 target group",
            name: "a1b2c3d4-3f2a9b7c1d0e4f5a6b7",
            tags: tags([
                "kubernetes.io/namespace": "shop", "kubernetes.io/ingress-name": "web",
                "kubernetes.io/service-name": "frontend", "kubernetes.io/service-port": "http",
                "kubernetes.io/cluster/demo": "owned",
            ]),
            expected: KubernetesBackend(
                namespace: "shop",
                service: "frontend",
                port: "http",
                ingress: "web",
                source: .legacyIngressTags
            )
        ),
    ]

    @Test(arguments: issueExamples)
    func issueExamplesResolve(_ example: ConventionCase) {
        #expect(example.resolve() == example.expected)
    }

    // MARK: Explicit IngressGroups: the name decides, or cannot

    static let explicitGroupCases: [ConventionCase] = [
        ConventionCase(
            label: "the name's Service part picks Ingress api, Service gateway-v2 (not api-gateway + v2)",
            name: "k8s-team-gatewayv-0a1b2c3d4e",
            tags: tags(["ingress.k8s.aws/stack": "edge", "ingress.k8s.aws/resource": "team/api-gateway-v2:8080"]),
            expected: KubernetesBackend(
                namespace: "team",
                service: "gateway-v2",
                port: "8080",
                ingress: "api",
                source: .ingressTags
            )
        ),
        ConventionCase(
            label: "the name's Service part picks Ingress api-gateway, Service v2",
            name: "k8s-team-v2-0a1b2c3d4e",
            tags: tags(["ingress.k8s.aws/stack": "edge", "ingress.k8s.aws/resource": "team/api-gateway-v2:8080"]),
            expected: KubernetesBackend(
                namespace: "team",
                service: "v2",
                port: "8080",
                ingress: "api-gateway",
                source: .ingressTags
            )
        ),
        ConventionCase(
            label:
                "two readings truncate to the same Service part: checkout-api-v2 and checkout-api-v1-checkout-api-v2",
            name: "k8s-shop-checkout-1f2e3d4c5b",
            tags: tags([
                "ingress.k8s.aws/stack": "shop-group",
                "ingress.k8s.aws/resource": "shop/shop-checkout-api-v1-checkout-api-v2:8080",
            ]),
            expected: KubernetesBackend(
                namespace: "shop",
                service: nil,
                port: "8080",
                ingress: nil,
                source: .ingressTags,
                ambiguousReadings: [
                    reading("shop", "checkout-api-v1-checkout-api-v2"),
                    reading("shop-checkout-api-v1", "checkout-api-v2"),
                ]
            )
        ),
        ConventionCase(
            label: "a user-named target group: every reading",
            name: "shop-checkout-tg",
            tags: tags([
                "ingress.k8s.aws/stack": "shop-group", "ingress.k8s.aws/resource": "shop/shop-web-checkout-api:8080",
            ]),
            expected: KubernetesBackend(
                namespace: "shop",
                service: nil,
                port: "8080",
                ingress: nil,
                source: .ingressTags,
                ambiguousReadings: [
                    reading("shop", "web-checkout-api"), reading("shop-web", "checkout-api"),
                    reading("shop-web-checkout", "api"),
                ]
            )
        ),
        ConventionCase(
            label: "a user-named target group with one possible split is certain",
            name: "cart-tg",
            tags: tags(["ingress.k8s.aws/stack": "shop-group", "ingress.k8s.aws/resource": "shop/web-cart:80"]),
            expected: KubernetesBackend(
                namespace: "shop",
                service: "cart",
                port: "80",
                ingress: "web",
                source: .ingressTags
            )
        ),
        ConventionCase(
            label: "a controller-shaped name of another namespace fits no reading: every reading",
            name: "k8s-other-checkout-9f8e7d6c5b",
            tags: tags([
                "ingress.k8s.aws/stack": "shop-group", "ingress.k8s.aws/resource": "shop/shop-web-checkout-api:8080",
            ]),
            expected: KubernetesBackend(
                namespace: "shop",
                service: nil,
                port: "8080",
                ingress: nil,
                source: .ingressTags,
                ambiguousReadings: [
                    reading("shop", "web-checkout-api"), reading("shop-web", "checkout-api"),
                    reading("shop-web-checkout", "api"),
                ]
            )
        ),
        ConventionCase(
            label: "no stack at all: the name still decides",
            name: "k8s-shop-checkout-9f8e7d6c5b",
            tags: tags(["ingress.k8s.aws/resource": "shop/shop-web-checkout-api:8080"]),
            expected: KubernetesBackend(
                namespace: "shop",
                service: "checkout-api",
                port: "8080",
                ingress: "shop-web",
                source: .ingressTags
            )
        ),
        ConventionCase(
            label: "sanitised parts: namespace kube-system and Service metrics-server-v1 in k8s-kubesyst-metricss",
            name: "k8s-kubesyst-metricss-0a1b2c3d4e",
            tags: tags([
                "ingress.k8s.aws/stack": "ops", "ingress.k8s.aws/resource": "kube-system/ops-metrics-server-v1:https",
            ]),
            expected: KubernetesBackend(
                namespace: "kube-system",
                service: "metrics-server-v1",
                port: "https",
                ingress: "ops",
                source: .ingressTags
            )
        ),
        ConventionCase(
            label: "an Ingress name with dots (a DNS-1123 subdomain) is a valid reading",
            name: "k8s-shop-api-0a1b2c3d4e",
            tags: tags(["ingress.k8s.aws/stack": "g", "ingress.k8s.aws/resource": "shop/web.example-api:80"]),
            expected: KubernetesBackend(
                namespace: "shop",
                service: "api",
                port: "80",
                ingress: "web.example",
                source: .ingressTags
            )
        ),
    ]

    @Test(arguments: explicitGroupCases)
    func explicitGroupsSplitByTheName(_ example: ConventionCase) {
        #expect(example.resolve() == example.expected)
    }

    // MARK: Implicit groups

    static let implicitGroupCases: [ConventionCase] = [
        ConventionCase(
            label: "the stack settles a split the name could not (user-named, dashes everywhere)",
            name: "my-target-group",
            tags: tags([
                "ingress.k8s.aws/stack": "shop/shop-web", "ingress.k8s.aws/resource": "shop/shop-web-checkout-api:8080",
            ]),
            expected: KubernetesBackend(
                namespace: "shop",
                service: "checkout-api",
                port: "8080",
                ingress: "shop-web",
                source: .ingressTags
            )
        ),
        ConventionCase(
            label: "the stack only on the load balancer",
            name: "my-target-group",
            tags: tags(["ingress.k8s.aws/resource": "shop/shop-web-checkout-api:8080"]),
            loadBalancerTags: tags(["ingress.k8s.aws/stack": "shop/shop-web"]),
            expected: KubernetesBackend(
                namespace: "shop",
                service: "checkout-api",
                port: "8080",
                ingress: "shop-web",
                source: .ingressTags
            )
        ),
        ConventionCase(
            label: "the target group's own stack wins over its load balancer's",
            name: "my-target-group",
            tags: tags([
                "ingress.k8s.aws/stack": "shop/shop-web-checkout",
                "ingress.k8s.aws/resource": "shop/shop-web-checkout-api:8080",
            ]),
            loadBalancerTags: tags(["ingress.k8s.aws/stack": "shop/shop-web"]),
            expected: KubernetesBackend(
                namespace: "shop",
                service: "api",
                port: "8080",
                ingress: "shop-web-checkout",
                source: .ingressTags
            )
        ),
        ConventionCase(
            label: "a stack of another namespace does not settle it: the readings stand",
            name: "my-target-group",
            tags: tags([
                "ingress.k8s.aws/stack": "other/shop-web",
                "ingress.k8s.aws/resource": "shop/shop-web-checkout-api:8080",
            ]),
            expected: KubernetesBackend(
                namespace: "shop",
                service: nil,
                port: "8080",
                ingress: nil,
                source: .ingressTags,
                ambiguousReadings: [
                    reading("shop", "web-checkout-api"), reading("shop-web", "checkout-api"),
                    reading("shop-web-checkout", "api"),
                ]
            )
        ),
        ConventionCase(
            label: "a stack naming an Ingress the resource does not start with: the name decides",
            name: "k8s-shop-checkout-9f8e7d6c5b",
            tags: tags([
                "ingress.k8s.aws/stack": "shop/admin", "ingress.k8s.aws/resource": "shop/shop-web-checkout-api:8080",
            ]),
            expected: KubernetesBackend(
                namespace: "shop",
                service: "checkout-api",
                port: "8080",
                ingress: "shop-web",
                source: .ingressTags
            )
        ),
        ConventionCase(
            label: "aws-alb-ingress-controller v1.1 tags both ways: the v2 resource and stack win",
            name: "a1b2c3d4-3f2a9b7c1d0e4f5a6b7",
            tags: tags([
                "kubernetes.io/namespace": "shop", "kubernetes.io/ingress-name": "shop-web",
                "kubernetes.io/service-name": "checkout-api", "kubernetes.io/service-port": "8080",
                "ingress.k8s.aws/stack": "shop/shop-web", "ingress.k8s.aws/resource": "shop/shop-web-checkout-api:8080",
            ]),
            expected: KubernetesBackend(
                namespace: "shop",
                service: "checkout-api",
                port: "8080",
                ingress: "shop-web",
                source: .ingressTags
            )
        ),
    ]

    @Test(arguments: implicitGroupCases)
    func implicitGroupsSplitByTheStack(_ example: ConventionCase) {
        #expect(example.resolve() == example.expected)
    }

    // MARK: Services, in-tree, legacy, Gateway, precedence

    static let otherCases: [ConventionCase] = [
        ConventionCase(
            label: "a weighted target group names its own Service, not the stack's",
            name: "k8s-payments-ledgerca-a1b2c3d4e5",
            tags: tags([
                "service.k8s.aws/stack": "payments/ledger", "service.k8s.aws/resource": "payments/ledger-canary:443",
            ]),
            expected: KubernetesBackend(
                namespace: "payments",
                service: "ledger-canary",
                port: "443",
                source: .serviceTags
            )
        ),
        ConventionCase(
            label: "in-tree: the load balancer's tag stands in for an untagged target group",
            name: "k8s-payments-api-1a2b3c4d5e",
            tags: [],
            loadBalancerTags: tags(["kubernetes.io/service-name": "payments/api"]),
            expected: KubernetesBackend(namespace: "payments", service: "api", source: .inTreeTags)
        ),
        ConventionCase(
            label: "in-tree: a user's tags on the target group do not stop the load balancer's standing in",
            name: "k8s-payments-api-1a2b3c4d5e",
            tags: tags(["team": "payments"]),
            loadBalancerTags: tags(["kubernetes.io/service-name": "payments/api"]),
            expected: KubernetesBackend(namespace: "payments", service: "api", source: .inTreeTags)
        ),
        ConventionCase(
            label: "in-tree: a service-port tag gives the port",
            name: "k8s-payments-api-1a2b3c4d5e",
            tags: tags(["kubernetes.io/service-name": "payments/api", "kubernetes.io/service-port": "8443"]),
            expected: KubernetesBackend(namespace: "payments", service: "api", port: "8443", source: .inTreeTags)
        ),
        ConventionCase(
            label: "in-tree: no stand-in when the target group has a controller's tag of its own",
            name: "tg",
            tags: tags(["ingress.k8s.aws/stack": "shop-group"]),
            loadBalancerTags: tags(["kubernetes.io/service-name": "payments/api"]),
            expected: nil
        ),
        ConventionCase(
            label: "legacy: without an ingress name the Service is still certain",
            name: "tg",
            tags: tags(["kubernetes.io/namespace": "shop", "kubernetes.io/service-name": "frontend"]),
            expected: KubernetesBackend(namespace: "shop", service: "frontend", source: .legacyIngressTags)
        ),
        ConventionCase(
            label: "legacy: a bare Service name without a namespace is nothing",
            name: "tg",
            tags: tags(["kubernetes.io/service-name": "frontend", "kubernetes.io/ingress-name": "web"]),
            expected: nil
        ),
        ConventionCase(
            label: "Gateway API target group: nil, whatever else it carries",
            name: "k8s-shop-httprout-0a1b2c3d4e",
            tags: tags([
                "gateway.k8s.aws.alb/stack": "shop/gw",
                "gateway.k8s.aws.alb/resource": "shop/gw:shop-httproute:HTTPRoute-shop-web:80",
                "kubernetes.io/service-name": "shop/web",
            ]),
            expected: nil
        ),
        ConventionCase(
            label: "Gateway API NLB target group: nil",
            name: "k8s-shop-tcproute-0a1b2c3d4e",
            tags: tags(["gateway.k8s.aws.nlb/stack": "shop/gw", "service.k8s.aws/resource": "shop/web:80"]),
            expected: nil
        ),
        ConventionCase(
            label: "precedence: Service tags before Ingress tags",
            name: "tg",
            tags: tags([
                "ingress.k8s.aws/resource": "shop/web-cart:80", "service.k8s.aws/resource": "shop/cart:8080",
            ]),
            expected: KubernetesBackend(namespace: "shop", service: "cart", port: "8080", source: .serviceTags)
        ),
        ConventionCase(
            label: "precedence: Ingress tags before in-tree tags",
            name: "tg",
            tags: tags(["kubernetes.io/service-name": "shop/other", "ingress.k8s.aws/resource": "shop/web-cart:80"]),
            expected: KubernetesBackend(
                namespace: "shop",
                service: "cart",
                port: "80",
                ingress: "web",
                source: .ingressTags
            )
        ),
        ConventionCase(
            label: "precedence: in-tree tags before legacy tags",
            name: "tg",
            tags: tags([
                "kubernetes.io/namespace": "shop", "kubernetes.io/ingress-name": "web",
                "kubernetes.io/service-name": "shop/frontend",
            ]),
            expected: KubernetesBackend(namespace: "shop", service: "frontend", source: .inTreeTags)
        ),
        ConventionCase(
            label: "no convention: user tags only",
            name: "k8s-shop-cart-0123456789",
            tags: tags(["team": "shop", "env": "prod"]),
            loadBalancerTags: tags(["team": "shop"]),
            expected: nil
        ),
        ConventionCase(label: "no tags at all", name: "", tags: [], expected: nil),
        ConventionCase(
            label: "a Service load balancer's own resource id is not a target group's",
            name: "k8s-payments-ledger-5e1f2a3b4c",
            tags: tags(["service.k8s.aws/stack": "payments/ledger", "service.k8s.aws/resource": "LoadBalancer"]),
            expected: nil
        ),
    ]

    @Test(arguments: otherCases)
    func otherConventionsAndPrecedence(_ example: ConventionCase) {
        #expect(example.resolve() == example.expected)
    }
}
