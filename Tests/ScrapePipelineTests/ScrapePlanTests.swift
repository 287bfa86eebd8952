import ConfigFile
import ResourceTags
import ScrapePipeline
import Testing

/// The plan a config compiles to, once per config: each rule in each of its targets, the names and labels its
/// series get, the load balancer kinds whose tags each target needs, and whether samples carry region and account.
@Suite struct ScrapePlanTests {
    static func plan(_ yaml: String) throws -> ScrapePlan {
        try ScrapePlan(config: ConfigLoader.parse(yaml: yaml, file: "plan.yml").config)
    }

    @Test func eachRuleRunsInEachTargetRegionsVaryingSlowest() throws {
        let plan = try Self.plan(
            """
            regions: [us-east-1, eu-west-1]
            role_arns: [arn:aws:iam::111111111111:role/a, arn:aws:iam::222222222222:role/b]
            metrics:
            - aws_namespace: AWS/ELB
              aws_metric_name: RequestCount
              aws_dimensions: [LoadBalancerName]
              aws_statistics: [Sum]
            - aws_namespace: AWS/S3
              aws_metric_name: BucketSizeBytes
              aws_dimensions: [BucketName, StorageType]
              aws_statistics: [Average]
              region: us-west-2
            """
        )
        #expect(plan.rules.count == 4 + 2)
        #expect(
            plan.rules.prefix(4).map { "\($0.target.region ?? "-") \($0.target.accountFromRole ?? "-")" } == [
                "us-east-1 111111111111", "us-east-1 222222222222", "eu-west-1 111111111111",
                "eu-west-1 222222222222",
            ]
        )
        // A planned rule carries its target's region and role, so each target's entries stay apart.
        #expect(Set(plan.rules.map(\.id)).count == plan.rules.count)
        #expect(plan.rules.allSatisfy { $0.rule.region == $0.target.region && $0.rule.roleARN == $0.target.roleARN })
        #expect(plan.labelsRegion && plan.labelsAccount)
        #expect(plan.targets.count == 4 + 2)
    }

    @Test func oneRegionAndOneSourceLabelNeitherRegionNorAccount() throws {
        let plan = try Self.plan(
            """
            region: eu-west-1
            metrics:
            - aws_namespace: AWS/ELB
              aws_metric_name: RequestCount
              aws_dimensions: [LoadBalancerName]
              aws_statistics: [Sum]
            """
        )
        #expect(!plan.labelsRegion && !plan.labelsAccount)
        #expect(plan.rules.map(\.id) == [RuleID(plan.rules[0].rule)])
    }

    @Test func onlyELBNamespacesWithTagLabelsNeedTags() throws {
        let plan = try Self.plan(
            """
            metrics:
            - aws_namespace: AWS/ELB
              aws_metric_name: RequestCount
              aws_dimensions: [LoadBalancerName]
              aws_statistics: [Sum]
            - aws_namespace: AWS/NetworkELB
              aws_metric_name: NewFlowCount
              aws_dimensions: [LoadBalancer]
              aws_statistics: [Sum]
            - aws_namespace: AWS/ApplicationELB
              aws_metric_name: RequestCount
              aws_dimensions: [LoadBalancer]
              aws_statistics: [Sum]
              tag_labels: {enabled: false}
            - aws_namespace: AWS/EC2
              aws_metric_name: CPUUtilization
              aws_dimensions: [InstanceId]
              aws_statistics: [Average]
            """
        )
        #expect(plan.loadBalancerKinds.values.first == [.classic, .v2])
        #expect(plan.allLoadBalancerKinds == [.classic, .v2])
        let ec2Only = try Self.plan(
            """
            metrics:
            - aws_namespace: AWS/EC2
              aws_metric_name: CPUUtilization
              aws_dimensions: [InstanceId]
              aws_statistics: [Average]
            """
        )
        #expect(ec2Only.allLoadBalancerKinds.isEmpty)
    }

    @Test func rolesOfOneAccountAreOneAccount() throws {
        let plan = try Self.plan(
            """
            role_arns: [arn:aws:iam::111111111111:role/a, arn:aws:iam::111111111111:role/b]
            metrics:
            - aws_namespace: AWS/ELB
              aws_metric_name: RequestCount
              aws_dimensions: [LoadBalancerName]
              aws_statistics: [Sum]
            """
        )
        #expect(!plan.labelsAccount)
        #expect(plan.targets.count == 2)
    }
}
