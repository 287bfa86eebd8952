import ConfigFile
import Testing

/// Issue 12: `regions`, `role_arns`, a rule's own `region` and `role_arn`, and their validation.
@Suite struct TargetConfigTests {
    static let rule = "metrics:\n- aws_namespace: AWS/ELB\n  aws_metric_name: RequestCount\n"

    @Test func regionsAndRolesCrossForRulesWithoutTheirOwn() throws {
        let config = try parse(
            """
            regions: [us-east-1, eu-west-1]
            role_arns: [arn:aws:iam::111111111111:role/a, arn:aws:iam::222222222222:role/b]
            metrics:
            - aws_namespace: AWS/ELB
              aws_metric_name: RequestCount
            - aws_namespace: AWS/ELB
              aws_metric_name: Latency
              region: ap-southeast-2
            - aws_namespace: AWS/ELB
              aws_metric_name: HTTPCode_ELB_5XX
              region: us-west-2
              role_arn: arn:aws:iam::333333333333:role/c
            """
        ).config
        let a = "arn:aws:iam::111111111111:role/a"
        let b = "arn:aws:iam::222222222222:role/b"
        #expect(
            config.targets(of: config.rules[0]) == [
                AWSTarget(region: "us-east-1", roleARN: a), AWSTarget(region: "us-east-1", roleARN: b),
                AWSTarget(region: "eu-west-1", roleARN: a), AWSTarget(region: "eu-west-1", roleARN: b),
            ]
        )
        #expect(
            config.targets(of: config.rules[1]) == [
                AWSTarget(region: "ap-southeast-2", roleARN: a), AWSTarget(region: "ap-southeast-2", roleARN: b),
            ]
        )
        #expect(
            config.targets(of: config.rules[2]) == [
                AWSTarget(region: "us-west-2", roleARN: "arn:aws:iam::333333333333:role/c")
            ]
        )
        #expect(config.targets.count == 7)
        #expect(config.targets.first?.accountFromRole == "111111111111")
    }

    @Test func withoutTheNewKeysThereIsOneTargetAsBefore() throws {
        let config = try parse("region: eu-west-1\nrole_arn: arn:aws:iam::123456789012:role/x\n" + Self.rule).config
        #expect(config.targets == [AWSTarget(region: "eu-west-1", roleARN: "arn:aws:iam::123456789012:role/x")])
        #expect(try parse(Self.rule).config.targets == [AWSTarget()])
        #expect(try parse("metrics: []\n").config.targets == [AWSTarget()])
    }

    @Test(arguments: [
        ("region: us-east-1\nregions: [eu-west-1]\n", "regions", "set either region or regions, not both"),
        (
            "role_arn: arn:aws:iam::123456789012:role/x\nrole_arns: [arn:aws:iam::123456789012:role/y]\n",
            "role_arns", "set either role_arn or role_arns, not both"
        ),
        ("regions: []\n", "regions", "expected a non-empty list"),
        ("regions: us-east-1\n", "regions", "expected a non-empty list"),
        ("regions: [us-east-1, us-east-1]\n", "regions[1]", "us-east-1 is listed twice"),
        ("regions: [us-east-1, us-esat-1]\n", "regions[1]", "\"us-esat-1\" is not an AWS region name"),
        ("region: us-iso-east-1\n", "region", "known partitions: aws, aws-cn, aws-us-gov"),
        ("region: Eu-West-1\n", "region", "is not an AWS region name"),
        ("role_arns: [arn:aws:iam::12345:role/x]\n", "role_arns[0]", "expected a role ARN"),
        ("role_arn: arn:aws:iam::123456789012:user/x\n", "role_arn", "expected a role ARN"),
        ("role_arn: arn:aws-iso:iam::123456789012:role/x\n", "role_arn", "expected a role ARN"),
        ("max_concurrent_requests_per_region: 0\n", "max_concurrent_requests_per_region", "must be at least 1"),
    ])
    func badTargetKeys(header: String, keyPath: String, message: String) {
        let diagnostics = errors(header + Self.rule)
        #expect(diagnostics.contains { $0.keyPath == keyPath && $0.message.contains(message) }, "\(diagnostics)")
    }

    @Test func aRulesOwnRegionAndRoleAreValidatedWhereTheyAre() {
        let diagnostics = errors(Self.rule + "  region: mars-north-1\n  role_arn: my-role\n")
        #expect(diagnostics.map(\.keyPath) == ["metrics[0].region", "metrics[0].role_arn"])
        #expect(diagnostics.first?.line == 4)
    }

    @Test func aRoleOfAnotherPartitionThanItsRegionIsAnError() {
        let diagnostics = errors(
            "regions: [us-east-1, cn-north-1]\nrole_arn: arn:aws-cn:iam::123456789012:role/x\n" + Self.rule
        )
        #expect(diagnostics.map(\.keyPath) == ["metrics[0]"])
        #expect(diagnostics.first?.message.contains("partition aws-cn, region us-east-1 in aws") == true)
    }

    @Test(arguments: [
        ("us-east-1", AWSPartition.aws), ("eu-central-2", .aws), ("ap-southeast-7", .aws), ("mx-central-1", .aws),
        ("il-central-1", .aws), ("cn-north-1", .china), ("cn-northwest-1", .china), ("us-gov-west-1", .usGov),
        ("us-gov-east-1", .usGov),
    ])
    func knownRegions(region: String, partition: AWSPartition) {
        #expect(AWSPartition.of(region: region) == partition)
    }

    @Test(arguments: [
        "", "us-east", "us-east-", "us-east-123", "useast1", "us-iso-east-1", "us-isob-east-1", "u-east-1",
        "us-east-1a", "US-EAST-1", "us--east-1", "us-gov-1", "local", String(repeating: "a", count: 100),
    ])
    func unknownRegions(region: String) {
        #expect(AWSPartition.of(region: region) == nil)
    }

    @Test func roleARNParts() {
        let arn = AWSPartition.RoleARN("arn:aws-us-gov:iam::123456789012:role/path/to/name")
        #expect(arn?.partition == .usGov && arn?.accountID == "123456789012")
        #expect(AWSPartition.RoleARN("arn:aws:iam::123456789012:role/") == nil)
        #expect(AWSPartition.RoleARN("arn:aws:sts::123456789012:role/x") == nil)
    }
}
