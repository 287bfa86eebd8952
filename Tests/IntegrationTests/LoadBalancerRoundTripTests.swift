import AWSCore
import AWSServices
import AWSTestSupport
import Foundation
import Testing

@Suite(.serialized, .heavy) struct LoadBalancerRoundTripTests {
    static let classicCount = 55
    static let v2Count = 56

    @Test func describesLoadBalancersAndTheirTagsAcrossPages() async throws {
        try await withMoto { moto in
            let elbCaller = try moto.caller(.elb)
            let elbv2Caller = try moto.caller(.elbv2)
            let ec2 = try moto.caller(MotoClients.ec2)

            for index in 0..<Self.classicCount {
                var parameters = QueryParameters()
                parameters.set("LoadBalancerName", "classic-\(index)")
                parameters.set("Listeners.member.1.Protocol", "HTTP")
                parameters.set("Listeners.member.1.LoadBalancerPort", 80)
                parameters.set("Listeners.member.1.InstancePort", 8080)
                parameters.setList("AvailabilityZones", ["us-east-1a"])
                parameters.set("Tags.member.1.Key", "kubernetes.io/service-name")
                parameters.set("Tags.member.1.Value", "team-\(index % 3)/svc-\(index)")
                parameters.set("Tags.member.2.Key", "env")
                parameters.set("Tags.member.2.Value", "it")
                _ = try await elbCaller.query(action: "CreateLoadBalancer", parameters: parameters, deadline: nil)
            }

            var vpcParameters = QueryParameters()
            vpcParameters.set("CidrBlock", "10.0.0.0/16")
            let vpc = try await ec2.query(action: "CreateVpc", parameters: vpcParameters, deadline: nil)
            let vpcId = try #require(vpc.path(["vpc", "vpcId"])?.text)
            var subnets: [String] = []
            for (zone, cidr) in [("us-east-1a", "10.0.1.0/24"), ("us-east-1b", "10.0.2.0/24")] {
                var parameters = QueryParameters()
                parameters.set("VpcId", vpcId)
                parameters.set("CidrBlock", cidr)
                parameters.set("AvailabilityZone", zone)
                let subnet = try await ec2.query(action: "CreateSubnet", parameters: parameters, deadline: nil)
                subnets.append(try #require(subnet.path(["subnet", "subnetId"])?.text))
            }
            for index in 0..<Self.v2Count {
                var parameters = QueryParameters()
                let type = index.isMultiple(of: 2) ? "application" : "network"
                parameters.set("Name", "\(type == "application" ? "alb" : "nlb")-\(index)")
                parameters.setList("Subnets", subnets)
                parameters.set("Type", type)
                parameters.set("Tags.member.1.Key", "kubernetes.io/service-name")
                parameters.set("Tags.member.1.Value", "team-\(index % 3)/svc-\(index)")
                parameters.set("Tags.member.2.Key", "env")
                parameters.set("Tags.member.2.Value", "it")
                _ = try await elbv2Caller.query(action: "CreateLoadBalancer", parameters: parameters, deadline: nil)
            }

            // Classic: pages of 20, then all names' tags (3 DescribeTags calls of at most 20 names).
            let elb = ELBClient(caller: elbCaller)
            var classic: [ClassicLoadBalancer] = []
            var marker: String?
            var pages = 0
            repeat {
                let page = try await elb.describeLoadBalancers(marker: marker, pageSize: 20, deadline: nil)
                classic += page.loadBalancers
                marker = page.nextMarker
                pages += 1
            } while marker != nil
            #expect(pages == 3)
            #expect(Set(classic.map(\.name)) == Set((0..<Self.classicCount).map { "classic-\($0)" }))
            #expect(classic.allSatisfy { !$0.dnsName.isEmpty })
            let defaultPage = try await elb.describeLoadBalancers(marker: nil, pageSize: nil, deadline: nil)
            #expect(defaultPage.loadBalancers.count == Self.classicCount)
            #expect(defaultPage.nextMarker == nil)

            let classicTags = try await elb.describeTags(loadBalancerNames: classic.map(\.name), deadline: nil)
            #expect(classicTags.count == Self.classicCount)
            #expect(
                classicTags["classic-7"]?.contains(AWSTag(key: "kubernetes.io/service-name", value: "team-1/svc-7"))
                    == true
            )
            #expect(classicTags.values.allSatisfy { $0.contains(AWSTag(key: "env", value: "it")) })

            // v2: moto's own default page of 50, then the next page; tags for all ARNs in batches of 20.
            let elbv2 = ELBv2Client(caller: elbv2Caller)
            var balancers: [LoadBalancerV2] = []
            marker = nil
            pages = 0
            repeat {
                let page = try await elbv2.describeLoadBalancers(marker: marker, pageSize: 50, deadline: nil)
                balancers += page.loadBalancers
                marker = page.nextMarker
                pages += 1
            } while marker != nil
            #expect(pages == 2)
            #expect(balancers.count == Self.v2Count)
            #expect(balancers.filter { $0.type == "network" }.count == Self.v2Count / 2)
            #expect(balancers.allSatisfy { $0.arn.hasPrefix("arn:aws:elasticloadbalancing:us-east-1:") })

            let v2Tags = try await elbv2.describeTags(resourceARNs: balancers.map(\.arn), deadline: nil)
            #expect(v2Tags.count == Self.v2Count)
            for balancer in balancers {
                let index = balancer.name.split(separator: "-").last.map(String.init) ?? ""
                #expect(
                    v2Tags[balancer.arn]?.contains(
                        AWSTag(key: "kubernetes.io/service-name", value: "team-\((Int(index) ?? 0) % 3)/svc-\(index)")
                    ) == true
                )
            }

            // Tagging API: v2 load balancers, 20 per page, until the token runs out.
            let tagging = TaggingClient(caller: try moto.caller(.tagging))
            var mappings: [ResourceTagMapping] = []
            var token: String?
            pages = 0
            repeat {
                let page = try await tagging.getResources(
                    GetResourcesInput(
                        resourceTypeFilters: ["elasticloadbalancing:loadbalancer"],
                        tagFilters: [TagFilter(key: "env", values: ["it"])],
                        paginationToken: token,
                        resourcesPerPage: 20
                    ),
                    deadline: nil
                )
                mappings += page.mappings
                token = page.paginationToken
                pages += 1
            } while token != nil && pages < 20
            #expect(pages >= 3)
            #expect(Set(mappings.map(\.resourceARN)) == Set(balancers.map(\.arn)))
            #expect(mappings.allSatisfy { $0.tags.contains(AWSTag(key: "env", value: "it")) })

            // Unknown names are a clean not-found error.
            let error = await #expect(throws: AWSError.self) {
                try await elb.describeTags(loadBalancerNames: ["does-not-exist"], deadline: nil)
            }
            #expect(error?.kind == .notFound)
        }
    }
}
