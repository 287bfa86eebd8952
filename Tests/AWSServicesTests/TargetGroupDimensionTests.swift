import AWSServices
import Testing

/// The CloudWatch `TargetGroup` dimension is the target group ARN from `targetgroup/` on.
@Suite struct TargetGroupDimensionTests {
    @Test(arguments: [
        (
            "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/k8s-shop-cart-0123456789/73e2d6bc24d8a067",
            "targetgroup/k8s-shop-cart-0123456789/73e2d6bc24d8a067"
        ),
        (
            "arn:aws-cn:elasticloadbalancing:cn-north-1:123456789012:targetgroup/web/0123456789abcdef",
            "targetgroup/web/0123456789abcdef"
        ),
        (
            "arn:aws-us-gov:elasticloadbalancing:us-gov-west-1:123456789012:targetgroup/a/1",
            "targetgroup/a/1"
        ),
        (
            "arn:aws:elasticloadbalancing:us-east-1:123456789012:"
                + "targetgroup/k8s-payments-ledger-a1b2c3d4e5/28d372b69d10efd1",
            "targetgroup/k8s-payments-ledger-a1b2c3d4e5/28d372b69d10efd1"
        ),
        (
            "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/ABCdef-0123456789012345678901234/F00D",
            "targetgroup/ABCdef-0123456789012345678901234/F00D"
        ),
    ])
    func targetGroupARNsGiveTheirDimension(_ arn: String, _ dimension: String) {
        #expect(TargetGroup.dimensionValue(arn: arn) == dimension)
    }

    static let prefix = "arn:aws:elasticloadbalancing:us-east-1:123456789012:"

    @Test(arguments: [
        "",
        "targetgroup/web/73e2d6bc24d8a067",
        prefix + "loadbalancer/app/web-alb/1958dd8e062d67a7",
        prefix + "loadbalancer/net/api-nlb/7a8b9c0d1e2f3a4b",
        prefix + "loadbalancer/web-classic",
        prefix + "listener/app/web-alb/1958dd8e062d67a7/0123456789abcdef",
        prefix + "targetgroup/web",
        prefix + "targetgroup/web/",
        prefix + "targetgroup//73e2d6bc24d8a067",
        prefix + "targetgroup/web/73e2d6bc24d8a067/extra",
        prefix + "targetgroup/web/73e2:d6bc24d8a067",
        prefix + "targetgroup/-web/73e2d6bc24d8a067",
        prefix + "targetgroup/web-/73e2d6bc24d8a067",
        prefix + "targetgroup/we_b/73e2d6bc24d8a067",
        prefix + "targetgroup/wéb/73e2d6bc24d8a067",
        prefix + "targetgroup/web\u{0}/73e2d6bc24d8a067",
        prefix + "targetgroup/web/73e2d6bc24d8a067\n",
        prefix + "targetgroup/" + String(repeating: "a", count: 33) + "/73e2d6bc24d8a067",
        prefix + "targetgroup/web/" + String(repeating: "f", count: 65),
        prefix + "TargetGroup/web/73e2d6bc24d8a067",
        "arn:aws:elasticloadbalancing:us-east-1:12345678901a:targetgroup/web/73e2d6bc24d8a067",
        "arn:aws:elasticloadbalancing:us-east-1::targetgroup/web/73e2d6bc24d8a067",
        "arn:aws:elasticloadbalancing::123456789012:targetgroup/web/73e2d6bc24d8a067",
        "arn::elasticloadbalancing:us-east-1:123456789012:targetgroup/web/73e2d6bc24d8a067",
        "arn:aws:ec2:us-east-1:123456789012:targetgroup/web/73e2d6bc24d8a067",
        "urn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/73e2d6bc24d8a067",
        " " + prefix + "targetgroup/web/73e2d6bc24d8a067",
        prefix + "targetgroup/web/73e2d6bc24d8a067/" + String(repeating: "x", count: 100_000),
        String(repeating: ":", count: 10_000),
        String(repeating: "/", count: 10_000),
    ])
    func anythingElseIsNil(_ arn: String) {
        #expect(TargetGroup.dimensionValue(arn: arn) == nil)
    }
}
