import AWSServices
import AWSTestSupport
import ResourceTags
import Testing

/// The target groups of the moto capture (`elbv2-DescribeTags-target-groups.txt`, made by
/// `scripts/capture_target_group_fixtures.py` as the controllers tag them) resolve to their Services.
@Suite struct CapturedTargetGroupTests {
    /// `(ARN, tags)` of each TagDescriptions member of a DescribeTags answer, read with a regular expression: this
    /// target has no XML reader of its own, and the capture's shape is fixed.
    static func capturedTags() throws -> [(arn: String, tags: [AWSTag])] {
        let text = try WireFixture.text("elbv2-DescribeTags-target-groups.txt")
        let body = try #require(text.components(separatedBy: "### RESPONSE").last)
        let description = #/<member><ResourceArn>([^<]*)</ResourceArn><Tags>(.*?)</Tags></member>/#
        let tag = #/<member><Key>([^<]*)</Key><Value>([^<]*)</Value></member>/#
        return body.matches(of: description).map { match -> (arn: String, tags: [AWSTag]) in
            let tags = match.output.2.matches(of: tag).map {
                AWSTag(key: String($0.output.1), value: String($0.output.2))
            }
            return (String(match.output.1), tags)
        }
    }

    static let expected: [String: KubernetesBackend?] = [
        "k8s-default-legacy-b7c8d9e0f1": KubernetesBackend(
            namespace: "default",
            service: "legacy",
            source: .inTreeTags
        ),
        "k8s-payments-ledger-a1b2c3d4e5": KubernetesBackend(
            namespace: "payments",
            service: "ledger",
            port: "443",
            source: .serviceTags
        ),
        "k8s-shop-cart-0123456789": KubernetesBackend(
            namespace: "shop",
            service: "cart",
            port: "http",
            ingress: "shop-web",
            source: .ingressTags
        ),
        "k8s-shop-checkout-9f8e7d6c5b": KubernetesBackend(
            namespace: "shop",
            service: "checkout-api",
            port: "8080",
            ingress: "shop-web",
            source: .ingressTags
        ),
        "reports-lambda": nil,
    ]

    @Test func everyCapturedTargetGroupResolvesAsItsControllerTaggedIt() throws {
        let captured = try Self.capturedTags()
        #expect(captured.count == Self.expected.count)
        for (arn, tags) in captured {
            let dimension = try #require(TargetGroup.dimensionValue(arn: arn))
            let name = String(dimension.split(separator: "/")[1])
            let backend = TargetGroupConventions.backend(
                targetGroupName: name,
                targetGroupTags: tags,
                loadBalancerTags: []
            )
            #expect(Self.expected[name] == .some(backend), "\(name)")
        }
    }
}
