import AWSCore
import AWSServices
import AWSTestSupport
import Foundation
import Testing

/// DescribeTargetGroups and target group DescribeTags against moto: what the controllers make (an ALB of an
/// IngressGroup with two target groups, an NLB with one), plus target groups no load balancer uses.
@Suite(.serialized, .heavy) struct TargetGroupRoundTripTests {
    static let unattachedCount = 6

    @Test func describesTargetGroupsAndTheirTags() async throws {
        try await withMoto { moto in
            let elbv2Caller = try moto.caller(.elbv2)
            let subnets = try await Self.subnets(moto)
            let alb = try await Self.createLoadBalancer(elbv2Caller, name: "k8s-shopgroup-3c9d1e0a7b", subnets: subnets)

            var created: [String: (port: Int, tags: [AWSTag])] = [:]
            func createTargetGroup(_ name: String, port: Int, tags: [AWSTag]) async throws -> String {
                var parameters = QueryParameters()
                parameters.set("Name", name)
                parameters.set("Protocol", "HTTP")
                parameters.set("Port", port)
                parameters.set("VpcId", subnets.vpc)
                parameters.set("TargetType", "ip")
                for (index, tag) in tags.enumerated() {
                    parameters.set("Tags.member.\(index + 1).Key", tag.key)
                    parameters.set("Tags.member.\(index + 1).Value", tag.value)
                }
                let result = try await elbv2Caller.query(
                    action: "CreateTargetGroup",
                    parameters: parameters,
                    deadline: nil
                )
                let arn = try #require(result.members("TargetGroups").first?.string("TargetGroupArn"))
                created[arn] = (port, tags)
                return arn
            }
            let checkout = try await createTargetGroup(
                "k8s-shop-checkout-9f8e7d6c5b",
                port: 8080,
                tags: [
                    AWSTag(key: "ingress.k8s.aws/stack", value: "shop-group"),
                    AWSTag(key: "ingress.k8s.aws/resource", value: "shop/shop-web-checkout-api:8080"),
                ]
            )
            let cart = try await createTargetGroup(
                "k8s-shop-cart-0123456789",
                port: 8081,
                tags: [
                    AWSTag(key: "ingress.k8s.aws/stack", value: "shop-group"),
                    AWSTag(key: "ingress.k8s.aws/resource", value: "shop/shop-web-cart:http"),
                ]
            )
            for index in 0..<Self.unattachedCount {
                _ = try await createTargetGroup(
                    "spare-\(index)",
                    port: 9000 + index,
                    tags: [AWSTag(key: "team", value: "t\(index)")]
                )
            }
            try await Self.forward(elbv2Caller, loadBalancer: alb, to: checkout, andPath: "/cart*", to: cart)

            // moto 5.2.1 does not page DescribeTargetGroups: every target group comes in the first page, whatever
            // the page size, with no NextMarker. The loop is bounded all the same.
            let elbv2 = ELBv2Client(caller: elbv2Caller)
            var groups: [TargetGroup] = []
            var marker: String?
            var pages = 0
            repeat {
                let page = try await elbv2.describeTargetGroups(marker: marker, pageSize: 3, deadline: nil)
                groups += page.targetGroups
                marker = page.nextMarker
                pages += 1
            } while marker != nil && pages < 10
            #expect(pages == 1)
            #expect(Set(groups.map(\.arn)) == Set(created.keys))
            #expect(groups.count == created.count)
            for group in groups {
                #expect(group.port == created[group.arn]?.port)
                #expect(group.protocolName == "HTTP")
                #expect(group.targetType == "ip")
                #expect(
                    TargetGroup.dimensionValue(arn: group.arn)
                        == "targetgroup/\(group.name)/\(group.arn.split(separator: "/").last ?? "")"
                )
            }
            #expect(groups.first { $0.arn == checkout }?.loadBalancerARNs == [alb])
            #expect(groups.first { $0.arn == cart }?.loadBalancerARNs == [alb])
            #expect(groups.filter { $0.name.hasPrefix("spare-") }.allSatisfy { $0.loadBalancerARNs.isEmpty })

            // Tags of every target group, in batches of 20 ARNs (moto answers each ARN it knows).
            let tags = try await elbv2.describeTags(resourceARNs: groups.map(\.arn), deadline: nil)
            #expect(tags.count == created.count)
            for (arn, expected) in created {
                #expect(tags[arn] == expected.tags)
            }
        }
    }

    struct Subnets {
        var vpc: String
        var ids: [String]
    }

    static func subnets(_ moto: MotoClients) async throws -> Subnets {
        let ec2 = try moto.caller(MotoClients.ec2)
        var vpcParameters = QueryParameters()
        vpcParameters.set("CidrBlock", "10.0.0.0/16")
        let vpc = try await ec2.query(action: "CreateVpc", parameters: vpcParameters, deadline: nil)
        let vpcId = try #require(vpc.path(["vpc", "vpcId"])?.text)
        var ids: [String] = []
        for (zone, cidr) in [("us-east-1a", "10.0.1.0/24"), ("us-east-1b", "10.0.2.0/24")] {
            var parameters = QueryParameters()
            parameters.set("VpcId", vpcId)
            parameters.set("CidrBlock", cidr)
            parameters.set("AvailabilityZone", zone)
            let subnet = try await ec2.query(action: "CreateSubnet", parameters: parameters, deadline: nil)
            ids.append(try #require(subnet.path(["subnet", "subnetId"])?.text))
        }
        return Subnets(vpc: vpcId, ids: ids)
    }

    static func createLoadBalancer(_ caller: AWSServiceCaller, name: String, subnets: Subnets) async throws -> String {
        var parameters = QueryParameters()
        parameters.set("Name", name)
        parameters.setList("Subnets", subnets.ids)
        parameters.set("Type", "application")
        let result = try await caller.query(action: "CreateLoadBalancer", parameters: parameters, deadline: nil)
        return try #require(result.members("LoadBalancers").first?.string("LoadBalancerArn"))
    }

    /// A listener forwarding to `first` by default and `path` to `second`: that is what attaches target groups to a
    /// load balancer (DescribeTargetGroups' LoadBalancerArns).
    static func forward(
        _ caller: AWSServiceCaller,
        loadBalancer: String,
        to first: String,
        andPath path: String,
        to second: String
    ) async throws {
        var listener = QueryParameters()
        listener.set("LoadBalancerArn", loadBalancer)
        listener.set("Protocol", "HTTP")
        listener.set("Port", 80)
        listener.set("DefaultActions.member.1.Type", "forward")
        listener.set("DefaultActions.member.1.TargetGroupArn", first)
        let created = try await caller.query(action: "CreateListener", parameters: listener, deadline: nil)
        let listenerARN = try #require(created.members("Listeners").first?.string("ListenerArn"))
        var rule = QueryParameters()
        rule.set("ListenerArn", listenerARN)
        rule.set("Priority", 1)
        rule.set("Conditions.member.1.Field", "path-pattern")
        rule.set("Conditions.member.1.Values.member.1", path)
        rule.set("Actions.member.1.Type", "forward")
        rule.set("Actions.member.1.TargetGroupArn", second)
        _ = try await caller.query(action: "CreateRule", parameters: rule, deadline: nil)
    }
}
