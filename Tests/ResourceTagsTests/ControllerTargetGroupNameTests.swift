import Testing

@testable import ResourceTags

/// The target group names of the AWS Load Balancer Controller and cloud-provider-aws:
/// `fmt.Sprintf("k8s-%.8s-%.8s-%.10s", sanitizedNamespace, sanitizedName, uuid)` with `[[:^alnum:]]` removed from
/// both names.
@Suite struct ControllerTargetGroupNameTests {
    /// The controllers' formula, written out independently of the code under test.
    static func controllerName(namespace: String, service: String, hash: String = "9f8e7d6c5b4a39281706") -> String {
        func part(_ name: String) -> String {
            String(
                String(
                    name.unicodeScalars.filter {
                        $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))
                    }
                ).prefix(8)
            )
        }
        return "k8s-\(part(namespace))-\(part(service))-\(hash.prefix(10))"
    }

    static let fittingPairs: [(namespace: String, service: String)] = [
        ("shop", "checkout-api"),
        ("shop", "cart"),
        ("kube-system", "metrics-server"),
        ("a", "b"),
        ("payments", "ledger"),
        ("team-a-b-c-d-e", "x1-2-3-4-5-6-7"),
        ("n123456789", "s123456789"),
        (String(repeating: "n", count: 63), String(repeating: "s", count: 63)),
    ]

    @Test(arguments: fittingPairs)
    func namesTheControllerBuildsAreReadAndFit(_ namespace: String, _ service: String) throws {
        let name = Self.controllerName(namespace: namespace, service: service)
        #expect(name.utf8.count <= 32)
        let parsed = try #require(ControllerTargetGroupName(name))
        #expect(parsed.fits(namespace: Substring(namespace), service: Substring(service)))
        #expect(!parsed.fits(namespace: Substring(namespace), service: "other"))
        #expect(!parsed.fits(namespace: "other", service: Substring(service)))
    }

    @Test func theSanitisedPartsAreCutToEightWithoutPadding() throws {
        let short = try #require(ControllerTargetGroupName("k8s-a-b-0123456789"))
        #expect(short.namespacePart == "a")
        #expect(short.servicePart == "b")
        let long = try #require(ControllerTargetGroupName("k8s-kubesyst-metricss-0a1b2c3d4e"))
        #expect(long.namespacePart == "kubesyst")
        #expect(long.servicePart == "metricss")
        #expect(long.fits(namespace: "kube-system", service: "metrics-server"))
        #expect(long.fits(namespace: "kube-system", service: "metricss-anything"))
        #expect(!long.fits(namespace: "kube-system", service: "metrics"))
    }

    @Test(arguments: [
        "", "k8s-", "k8s-shop-cart", "k8s-shop-cart-012345678", "k8s-shop-cart-01234567890", "k8s-shop-cart-012345678g",
        "k8s-shop-cart-0123456789-", "k8s-shop-cart-ABCDEF0123", "K8S-shop-cart-0123456789", "k8s--cart-0123456789",
        "k8s-shop--0123456789", "k8s-shopshops-cart-0123456789", "k8s-shop-cartcarts-0123456789",
        "k8s-Shop-cart-0123456789", "k8s-sh_p-cart-0123456789", "k8s-shop-cärt-0123456789",
        "k8s-shop-cart-0123456789\n",
        "k8s-shop-my-cart-0123456789", "shop-checkout-tg", "a1b2c3d4-3f2a9b7c1d0e4f5a6b7",
        "k8s-" + String(repeating: "a", count: 100_000),
    ])
    func namesNotInTheControllersShapeAreNotRead(_ name: String) {
        #expect(ControllerTargetGroupName(name) == nil)
    }
}

@Suite struct KubernetesNameRulesTests {
    @Test(arguments: [
        ("a", true), ("shop", true), ("kube-system", true), ("a1", true), ("1a", true),
        (String(repeating: "a", count: 63), true),
        ("", false), ("-a", false), ("a-", false), ("A", false), ("a.b", false), ("a_b", false), ("a b", false),
        (String(repeating: "a", count: 64), false), ("é", false), ("a\u{0}", false),
    ])
    func labels(_ text: String, _ valid: Bool) {
        #expect(KubernetesNameRules.isLabel(Substring(text)) == valid)
    }

    @Test(arguments: [
        ("web", true), ("web.example", true), ("a.b.c", true), (String(repeating: "a", count: 253), true),
        ("", false), (".web", false), ("web.", false), ("web..x", false), ("web.-x", false), ("Web", false),
        (String(repeating: "a", count: 254), false),
    ])
    func subdomains(_ text: String, _ valid: Bool) {
        #expect(KubernetesNameRules.isSubdomain(Substring(text)) == valid)
    }

    @Test(arguments: [
        ("1", true), ("80", true), ("65535", true), ("http", true), ("grpc-web", true), ("h2c", true),
        ("abcdefghijklmno", true), ("", false), ("0", false), ("65536", false), ("080", false), ("-1", false),
        ("+80", false), ("99999999999999999999", false), ("123456", false), ("http--x", false), ("-http", false),
        ("http-", false), ("HTTP", false), ("abcdefghijklmnop", false), ("8 0", false), ("1-2", false),
    ])
    func ports(_ text: String, _ valid: Bool) {
        #expect(KubernetesNameRules.isPort(Substring(text)) == valid)
    }

    @Test(arguments: [
        ("checkout-api", "checkout"), ("kube-system", "kubesyst"), ("a", "a"), ("web.example", "webexamp"),
        ("x-1-2", "x12"), ("é-a-ü-b", "ab"), ("", ""),
    ])
    func nameParts(_ name: String, _ part: String) {
        #expect(KubernetesNameRules.namePart(Substring(name)) == Substring(part))
    }
}
