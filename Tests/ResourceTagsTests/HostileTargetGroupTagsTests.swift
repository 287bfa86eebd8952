import AWSServices
import AWSTestSupport
import ResourceTags
import Testing

/// Tag values come from whoever can tag a target group: what is not in a controller's shape gives nil, or only the
/// part that is certain, and never traps.
@Suite struct HostileTargetGroupTagsTests {
    static let longName = String(repeating: "b", count: 100_000)

    /// `service.k8s.aws/resource` values no controller writes.
    static let serviceResources: [(value: String, expected: KubernetesBackend?)] = [
        ("LoadBalancer", nil),
        ("payments/ledger", nil),
        ("/ledger:443", nil),
        ("payments/:443", nil),
        (":443", nil),
        ("payments/ledger/extra:443", nil),
        ("payments//ledger:443", nil),
        ("Payments/Ledger:443", nil),
        ("payments/led\u{0}ger:443", nil),
        ("payments/ledger\n:443", nil),
        ("payments/-ledger:443", nil),
        ("payments/ledger-:443", nil),
        ("pay.ments/ledger:443", nil),
        ("payments/ledgér:443", nil),
        ("payments/\(longName):443", nil),
        ("\(String(repeating: "a", count: 64))/ledger:443", nil),
        ("payments/ledger:", KubernetesBackend(namespace: "payments", service: "ledger", source: .serviceTags)),
        ("payments/ledger:0", KubernetesBackend(namespace: "payments", service: "ledger", source: .serviceTags)),
        ("payments/ledger:65536", KubernetesBackend(namespace: "payments", service: "ledger", source: .serviceTags)),
        ("payments/ledger:0443", KubernetesBackend(namespace: "payments", service: "ledger", source: .serviceTags)),
        ("payments/ledger:44\n3", KubernetesBackend(namespace: "payments", service: "ledger", source: .serviceTags)),
        (
            "payments/ledger:99999999999999999999999",
            KubernetesBackend(namespace: "payments", service: "ledger", source: .serviceTags)
        ),
        (
            "payments/ledger:65535",
            KubernetesBackend(namespace: "payments", service: "ledger", port: "65535", source: .serviceTags)
        ),
        ("payments/ledger:a:b", nil),
    ]

    @Test(arguments: serviceResources)
    func serviceResourceValues(_ value: String, _ expected: KubernetesBackend?) {
        let backend = TargetGroupConventions.backend(
            targetGroupName: "tg",
            targetGroupTags: [AWSTag(key: "service.k8s.aws/resource", value: value)],
            loadBalancerTags: []
        )
        #expect(backend == expected)
    }

    /// `ingress.k8s.aws/resource` values no controller writes (explicit group, user-named target group).
    static let ingressResources: [(value: String, expected: KubernetesBackend?)] = [
        ("LoadBalancer", nil),
        ("shop/:80", nil),
        ("shop/-:80", nil),
        ("shop/web:80", nil),
        ("shop/web--cart:80", nil),
        ("shop/a/b-c:80", nil),
        ("/web-cart:80", nil),
        ("shop/web-cart", nil),
        ("shop/web-Cart:80", nil),
        ("shop/web-ca\u{7}rt:80", nil),
        ("shop/web-\(longName):80", nil),
        ("shop/\(String(repeating: "a-", count: 200))b:80", nil),
        (
            "shop/web-cart:99999",
            KubernetesBackend(namespace: "shop", service: "cart", ingress: "web", source: .ingressTags)
        ),
        (
            "shop/web-cart:",
            KubernetesBackend(namespace: "shop", service: "cart", ingress: "web", source: .ingressTags)
        ),
        (
            "shop/web-cart:http--alt",
            KubernetesBackend(namespace: "shop", service: "cart", ingress: "web", source: .ingressTags)
        ),
        (
            "shop/web-cart:a-very-long-port-name",
            KubernetesBackend(namespace: "shop", service: "cart", ingress: "web", source: .ingressTags)
        ),
        (
            "shop/web-cart:grpc-web",
            KubernetesBackend(
                namespace: "shop",
                service: "cart",
                port: "grpc-web",
                ingress: "web",
                source: .ingressTags
            )
        ),
        ("shop/web.-cart:80", nil),
        ("shop/-web-cart:80", nil),
    ]

    @Test(arguments: ingressResources)
    func ingressResourceValues(_ value: String, _ expected: KubernetesBackend?) {
        let backend = TargetGroupConventions.backend(
            targetGroupName: "user-named",
            targetGroupTags: [
                AWSTag(key: "ingress.k8s.aws/stack", value: "shop-group"),
                AWSTag(key: "ingress.k8s.aws/resource", value: value),
            ],
            loadBalancerTags: []
        )
        #expect(backend == expected)
    }

    /// Stacks that are not `<namespace>/<ingress>` do not settle anything: the readings decide.
    @Test(arguments: [
        "shop/", "/web", "shop/web/x", "shop/we\u{0}b", "Shop/web", "shop/web\n", String(repeating: "s", count: 2_000),
        "",
    ])
    func unusableStacksLeaveTheReadings(_ stack: String) {
        let backend = TargetGroupConventions.backend(
            targetGroupName: "user-named",
            targetGroupTags: [
                AWSTag(key: "ingress.k8s.aws/stack", value: stack),
                AWSTag(key: "ingress.k8s.aws/resource", value: "shop/web-front-end:80"),
            ],
            loadBalancerTags: []
        )
        #expect(backend?.service == nil)
        #expect(
            backend?.ambiguousReadings == [
                KubernetesBackend.Reading(ingress: "web", service: "front-end"),
                KubernetesBackend.Reading(ingress: "web-front", service: "end"),
            ]
        )
    }

    /// `kubernetes.io/service-name` values that are neither in-tree (`<ns>/<svc>`) nor legacy (a bare name).
    @Test(arguments: ["", "/", "default/", "/legacy", "a/b/c", "default/Legacy", "default/leg acy", "default\u{0}/x"])
    func inTreeValuesNotInShape(_ value: String) {
        let backend = TargetGroupConventions.backend(
            targetGroupName: "tg",
            targetGroupTags: [AWSTag(key: "kubernetes.io/service-name", value: value)],
            loadBalancerTags: [AWSTag(key: "kubernetes.io/service-name", value: "payments/api")]
        )
        #expect(backend == nil)
    }

    @Test func legacyPartsThatAreNotNamesAreLeftOut() {
        let backend = TargetGroupConventions.backend(
            targetGroupName: "tg",
            targetGroupTags: [
                AWSTag(key: "kubernetes.io/namespace", value: "shop"),
                AWSTag(key: "kubernetes.io/service-name", value: "frontend"),
                AWSTag(key: "kubernetes.io/ingress-name", value: "Web Ingress"),
                AWSTag(key: "kubernetes.io/service-port", value: "eighty thousand"),
            ],
            loadBalancerTags: []
        )
        #expect(backend == KubernetesBackend(namespace: "shop", service: "frontend", source: .legacyIngressTags))
    }

    @Test(arguments: ["", "Shop", "sh/op", String(repeating: "n", count: 64)])
    func legacyNamespacesThatAreNotNamesGiveNothing(_ namespace: String) {
        let backend = TargetGroupConventions.backend(
            targetGroupName: "tg",
            targetGroupTags: [
                AWSTag(key: "kubernetes.io/namespace", value: namespace),
                AWSTag(key: "kubernetes.io/service-name", value: "frontend"),
            ],
            loadBalancerTags: []
        )
        #expect(backend == nil)
    }

    /// AWS keeps one value per key: two different values for one key make neither certain, and the next convention
    /// (or none) applies. The same value twice is harmless.
    @Test func conflictingDuplicateKeysAreNotKnown() {
        let conflicting = TargetGroupConventions.backend(
            targetGroupName: "tg",
            targetGroupTags: [
                AWSTag(key: "service.k8s.aws/resource", value: "payments/ledger:443"),
                AWSTag(key: "service.k8s.aws/resource", value: "payments/other:443"),
                AWSTag(key: "kubernetes.io/service-name", value: "payments/fallback"),
            ],
            loadBalancerTags: []
        )
        #expect(conflicting == KubernetesBackend(namespace: "payments", service: "fallback", source: .inTreeTags))

        let repeated = TargetGroupConventions.backend(
            targetGroupName: "tg",
            targetGroupTags: [
                AWSTag(key: "service.k8s.aws/resource", value: "payments/ledger:443"),
                AWSTag(key: "service.k8s.aws/resource", value: "payments/ledger:443"),
            ],
            loadBalancerTags: []
        )
        #expect(
            repeated == KubernetesBackend(namespace: "payments", service: "ledger", port: "443", source: .serviceTags)
        )
    }

    @Test func aConflictingServiceNameOnTheTargetGroupStopsTheLoadBalancersStandingIn() {
        let backend = TargetGroupConventions.backend(
            targetGroupName: "tg",
            targetGroupTags: [
                AWSTag(key: "kubernetes.io/service-name", value: "payments/a"),
                AWSTag(key: "kubernetes.io/service-name", value: "payments/b"),
            ],
            loadBalancerTags: [AWSTag(key: "kubernetes.io/service-name", value: "payments/api")]
        )
        #expect(backend == nil)
    }

    /// Random values for every key the conventions read: whatever comes back is made of valid names only.
    @Test func randomValuesNeverTrapAndGiveOnlyValidNames() {
        var random = SplitMix64(seed: 0x7461_7267_6574)
        // Pieces of real values and of hostile ones, so that random joins are often in shape and often just off.
        let pieces = [
            "shop", "web", "cart", "checkout", "api", "-", "-", "/", "/", ":", "80", "http", ".", "k8s", "0123456789",
            "", " ", "\u{0}", "\n", "é", "A", "--", "99999",
        ]
        func value() -> String {
            (0..<(random.next() % 7)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined()
        }
        let keys = [
            "service.k8s.aws/resource", "ingress.k8s.aws/resource", "ingress.k8s.aws/stack",
            "kubernetes.io/service-name", "kubernetes.io/namespace", "kubernetes.io/ingress-name",
            "kubernetes.io/service-port",
        ]
        let nameBytes = Set("abcdefghijklmnopqrstuvwxyz0123456789-.".utf8)
        var resolved = 0
        for _ in 0..<20_000 {
            let tags = keys.filter { _ in random.next() % 2 == 0 }.map { AWSTag(key: $0, value: value()) }
            let backend = TargetGroupConventions.backend(
                targetGroupName: "k8s-" + value(),
                targetGroupTags: tags,
                loadBalancerTags: [AWSTag(key: "ingress.k8s.aws/stack", value: value())]
            )
            guard let backend else { continue }
            resolved += 1
            let names =
                [backend.namespace] + [backend.service, backend.ingress, backend.port].compactMap { $0 }
                + backend.ambiguousReadings.flatMap { [$0.ingress, $0.service] }
            #expect(names.allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy(nameBytes.contains) }, "\(tags)")
        }
        #expect(resolved > 100)
    }
}
