import AWSCore
import AWSServices
import AWSTestSupport
import Foundation
import Testing

@Suite struct LoadBalancerClientTests {
    @Test func classicPagesFollowTheMarker() async throws {
        let page1 = try WireFixture.load("elb-DescribeLoadBalancers-page1.txt")
        let page2 = try WireFixture.load("elb-DescribeLoadBalancers-page2.txt")
        let transport = ScriptedTransport([page1.response, page2.response])
        let client = ELBClient(caller: Harness.caller(.elb, transport))
        let first = try await client.describeLoadBalancers(marker: nil, pageSize: 2, deadline: nil)
        #expect(first.loadBalancers.map(\.name) == ["web-classic", "api-classic"])
        #expect(first.loadBalancers.first?.dnsName == "web-classic.us-east-1.elb.amazonaws.com")
        #expect(first.nextMarker == "api-classic")
        let second = try await client.describeLoadBalancers(marker: first.nextMarker, pageSize: 2, deadline: nil)
        #expect(second.loadBalancers.map(\.name) == ["old-classic"])
        #expect(second.nextMarker == nil)
        #expect(Harness.form(transport.requests.first) == Harness.form(page1.requestBody))
        #expect(Harness.form(transport.requests.last) == Harness.form(page2.requestBody))
    }

    @Test func classicPageSizeDefaultsTo400() async throws {
        let transport = ScriptedTransport([try WireFixture.load("elb-DescribeLoadBalancers-page2.txt").response])
        _ = try await ELBClient(caller: Harness.caller(.elb, transport)).describeLoadBalancers(
            marker: nil,
            pageSize: nil,
            deadline: nil
        )
        #expect(Harness.form(transport.requests.first)["PageSize"] == "400")
    }

    @Test func classicLastPageMatchesBotocore() async throws {
        let fixture = try WireFixture.load("elb-query-DescribeLoadBalancers-last-page.http")
        let parsed = try #require(
            try WireFixture.json("elb-query-DescribeLoadBalancers-last-page.parsed.json") as? [String: Any]
        )
        let page = try await ELBClient(caller: Harness.caller(.elb, ScriptedTransport([fixture.response])))
            .describeLoadBalancers(marker: nil, pageSize: nil, deadline: nil)
        let expected = try #require(parsed["LoadBalancerDescriptions"] as? [[String: Any]])
        #expect(page.loadBalancers.map(\.name) == expected.map { $0["LoadBalancerName"] as? String ?? "" })
        #expect(page.loadBalancers.map(\.dnsName) == expected.map { $0["DNSName"] as? String ?? "" })
        #expect(page.nextMarker == (parsed["NextMarker"] as? String).flatMap { $0.isEmpty ? nil : $0 })
    }

    @Test func classicTagsMatchTheCapture() async throws {
        let fixture = try WireFixture.load("elb-DescribeTags.txt")
        let transport = ScriptedTransport([fixture.response])
        let tags = try await ELBClient(caller: Harness.caller(.elb, transport))
            .describeTags(loadBalancerNames: ["web-classic", "api-classic", "old-classic"], deadline: nil)
        #expect(tags["web-classic"] == [AWSTag(key: "env", value: "prod"), AWSTag(key: "team", value: "web")])
        #expect(tags["api-classic"] == [AWSTag(key: "env", value: "dev")])
        #expect(tags["old-classic"] == [])
        #expect(Harness.form(transport.requests.first) == Harness.form(fixture.requestBody))
    }

    @Test func classicTagsAreAskedForIn20NameBatches() async throws {
        let empty = HTTPResponse(
            status: 200,
            body: Array(
                "<DescribeTagsResponse><DescribeTagsResult><TagDescriptions/></DescribeTagsResult></DescribeTagsResponse>"
                    .utf8
            )
        )
        let transport = ScriptedTransport([empty, empty, empty])
        let names = (0..<45).map { "n\($0)" } + ["n0"]
        _ = try await ELBClient(caller: Harness.caller(.elb, transport)).describeTags(
            loadBalancerNames: names,
            deadline: nil
        )
        let batches = transport.requests.map {
            Harness.form($0).keys.filter { $0.hasPrefix("LoadBalancerNames.member.") }.count
        }
        #expect(batches == [20, 20, 5])
        #expect(Harness.form(transport.requests[1])["LoadBalancerNames.member.1"] == "n20")
    }

    @Test func classicTagsOfAnUnknownNameFailWithNotFound() async throws {
        let fixture = try WireFixture.load("elb-DescribeTags-21names.txt")
        let error = await #expect(throws: AWSError.self) {
            try await ELBClient(caller: Harness.caller(.elb, ScriptedTransport([fixture.response])))
                .describeTags(loadBalancerNames: ["n0"], deadline: nil)
        }
        #expect(error?.kind == .notFound)
        #expect(error?.code == "LoadBalancerNotFound")
    }

    @Test func v2PagesFollowTheMarker() async throws {
        let page1 = try WireFixture.load("elbv2-DescribeLoadBalancers.txt")
        let page2 = try WireFixture.load("elbv2-DescribeLoadBalancers-page2.txt")
        let transport = ScriptedTransport([page1.response, page2.response])
        let client = ELBv2Client(caller: Harness.caller(.elbv2, transport))
        let first = try await client.describeLoadBalancers(marker: nil, pageSize: 1, deadline: nil)
        #expect(
            first.loadBalancers == [
                LoadBalancerV2(
                    arn:
                        "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web-alb/1958dd8e062d67a7",
                    name: "web-alb",
                    type: "application",
                    dnsName: "web-alb-1.us-east-1.elb.amazonaws.com"
                )
            ]
        )
        #expect(first.nextMarker == "web-alb")
        let second = try await client.describeLoadBalancers(marker: "web-alb", pageSize: 1, deadline: nil)
        #expect(second.loadBalancers.map(\.type) == ["network"])
        #expect(second.nextMarker == nil)
        #expect(Harness.form(transport.requests.first) == Harness.form(page1.requestBody))
        #expect(Harness.form(transport.requests.last) == Harness.form(page2.requestBody))
    }

    @Test func v2PageMatchesBotocore() async throws {
        let fixture = try WireFixture.load("elbv2-query-DescribeLoadBalancers.http")
        let parsed = try #require(
            try WireFixture.json("elbv2-query-DescribeLoadBalancers.parsed.json") as? [String: Any]
        )
        let page = try await ELBv2Client(caller: Harness.caller(.elbv2, ScriptedTransport([fixture.response])))
            .describeLoadBalancers(marker: nil, pageSize: nil, deadline: nil)
        let expected = try #require(parsed["LoadBalancers"] as? [[String: Any]])
        #expect(page.loadBalancers.map(\.arn) == expected.map { $0["LoadBalancerArn"] as? String ?? "" })
        #expect(page.loadBalancers.map(\.type) == expected.map { $0["Type"] as? String ?? "" })
        #expect(page.loadBalancers.map(\.dnsName) == expected.map { $0["DNSName"] as? String ?? "" })
        #expect(page.nextMarker == parsed["NextMarker"] as? String)
    }

    @Test func v2TagsMatchTheCapture() async throws {
        let fixture = try WireFixture.load("elbv2-DescribeTags.txt")
        let transport = ScriptedTransport([fixture.response])
        let web = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web-alb/1958dd8e062d67a7"
        let api = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/api-nlb/1721857011523fb7"
        let tags = try await ELBv2Client(caller: Harness.caller(.elbv2, transport)).describeTags(
            resourceARNs: [web, api],
            deadline: nil
        )
        #expect(tags == [web: [AWSTag(key: "env", value: "prod")], api: []])
        #expect(Harness.form(transport.requests.first) == Harness.form(fixture.requestBody))
    }

    @Test func v2TagsAreAskedForIn20ARNBatches() async throws {
        let fixture = try WireFixture.load("elbv2-DescribeTags-unknown-arn.txt")
        let transport = ScriptedTransport([fixture.response, fixture.response])
        let arns = (0..<21).map { "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/lb\($0)/0" }
        let tags = try await ELBv2Client(caller: Harness.caller(.elbv2, transport)).describeTags(
            resourceARNs: arns,
            deadline: nil
        )
        #expect(transport.requests.count == 2)
        #expect(Harness.form(transport.requests[1]).keys.filter { $0.hasPrefix("ResourceArns.member.") }.count == 1)
        #expect(tags.values.allSatisfy { $0.isEmpty })
    }
}
