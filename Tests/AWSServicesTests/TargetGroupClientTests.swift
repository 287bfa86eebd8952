import AWSCore
import AWSServices
import AWSTestSupport
import Foundation
import Testing

@Suite struct TargetGroupClientTests {
    static let prefix = "arn:aws:elasticloadbalancing:us-east-1:123456789012:"
    static let legacy = prefix + "targetgroup/k8s-default-legacy-b7c8d9e0f1/850cbadbd8413372"
    static let ledger = prefix + "targetgroup/k8s-payments-ledger-a1b2c3d4e5/28d372b69d10efd1"
    static let cart = prefix + "targetgroup/k8s-shop-cart-0123456789/654d424f3c624d79"
    static let checkout = prefix + "targetgroup/k8s-shop-checkout-9f8e7d6c5b/89df39aa6a695ac2"
    static let lambda = prefix + "targetgroup/reports-lambda/3032a17f849b6790"
    static let shopALB = prefix + "loadbalancer/app/k8s-shopgroup-3c9d1e0a7b/c6cee64580b6a06e"
    static let ledgerNLB = prefix + "loadbalancer/app/k8s-payments-ledger-5e1f2a3b4c/dee8e6dd16202100"

    static func client(_ transport: ScriptedTransport) -> ELBv2Client {
        ELBv2Client(caller: Harness.caller(.elbv2, transport))
    }

    static func answer(_ body: String) -> HTTPResponse {
        HTTPResponse(status: 200, headers: [("Content-Type", "text/xml")], body: Array(body.utf8))
    }

    /// moto's answer with `edit` applied to its body.
    static func motoAnswer(_ edit: (String) -> String = { $0 }) throws -> HTTPResponse {
        let response = try WireFixture.load("elbv2-DescribeTargetGroups.txt").response
        return answer(edit(String(decoding: response.body, as: UTF8.self)))
    }

    @Test func targetGroupsMatchTheMotoCapture() async throws {
        let fixture = try WireFixture.load("elbv2-DescribeTargetGroups.txt")
        let transport = ScriptedTransport([fixture.response])
        let page = try await Self.client(transport).describeTargetGroups(marker: nil, pageSize: nil, deadline: nil)
        #expect(
            page.targetGroups == [
                TargetGroup(
                    arn: Self.legacy,
                    name: "k8s-default-legacy-b7c8d9e0f1",
                    port: 30080,
                    protocolName: "TCP",
                    targetType: "instance"
                ),
                TargetGroup(
                    arn: Self.ledger,
                    name: "k8s-payments-ledger-a1b2c3d4e5",
                    loadBalancerARNs: [Self.ledgerNLB],
                    port: 31443,
                    protocolName: "TCP",
                    targetType: "instance"
                ),
                TargetGroup(
                    arn: Self.cart,
                    name: "k8s-shop-cart-0123456789",
                    loadBalancerARNs: [Self.shopALB],
                    port: 8080,
                    protocolName: "HTTP",
                    targetType: "ip"
                ),
                TargetGroup(
                    arn: Self.checkout,
                    name: "k8s-shop-checkout-9f8e7d6c5b",
                    loadBalancerARNs: [Self.shopALB],
                    port: 8080,
                    protocolName: "HTTP",
                    targetType: "ip"
                ),
                TargetGroup(arn: Self.lambda, name: "reports-lambda", targetType: "lambda"),
            ]
        )
        #expect(page.nextMarker == nil)
        #expect(Harness.form(transport.requests.first) == Harness.form(fixture.requestBody))
        #expect(Harness.form(transport.requests.first)["PageSize"] == "400")
    }

    @Test func pagesFollowTheMarkerAndMatchBotocore() async throws {
        let pages = ["elbv2-query-DescribeTargetGroups-page1", "elbv2-query-DescribeTargetGroups-page2"]
        let transport = ScriptedTransport(try pages.map { try WireFixture.load("\($0).http").response })
        let client = Self.client(transport)
        let first = try await client.describeTargetGroups(marker: nil, pageSize: 2, deadline: nil)
        let second = try await client.describeTargetGroups(marker: first.nextMarker, pageSize: 2, deadline: nil)

        for (page, name) in zip([first, second], pages) {
            let parsed = try #require(try WireFixture.json("\(name).parsed.json") as? [String: Any])
            let expected = try #require(parsed["TargetGroups"] as? [[String: Any]])
            #expect(page.targetGroups.map(\.arn) == expected.map { $0["TargetGroupArn"] as? String ?? "" })
            #expect(page.targetGroups.map(\.name) == expected.map { $0["TargetGroupName"] as? String ?? "" })
            #expect(page.targetGroups.map(\.port) == expected.map { $0["Port"] as? Int })
            #expect(page.targetGroups.map(\.protocolName) == expected.map { $0["Protocol"] as? String })
            #expect(page.targetGroups.map(\.targetType) == expected.map { $0["TargetType"] as? String })
            #expect(
                page.targetGroups.map(\.loadBalancerARNs) == expected.map { $0["LoadBalancerArns"] as? [String] ?? [] }
            )
            #expect(page.nextMarker == parsed["NextMarker"] as? String)
        }
        #expect(first.targetGroups.count == 2)
        #expect(first.nextMarker == "MToyOmszcy1zaG9wLWNhcnQtMDEyMzQ1Njc4OQ==")
        #expect(first.targetGroups.last?.loadBalancerARNs.first?.contains(":loadbalancer/net/") == true)
        #expect(second.targetGroups.count == 3)
        #expect(second.nextMarker == nil)

        let requests = transport.requests.map { Harness.form($0) }
        #expect(requests.first == ["Action": "DescribeTargetGroups", "Version": "2015-12-01", "PageSize": "2"])
        #expect(requests.last?["Marker"] == "MToyOmszcy1zaG9wLWNhcnQtMDEyMzQ1Njc4OQ==")
        let body = String(decoding: transport.requests.last?.body ?? [], as: UTF8.self)
        #expect(body.contains("Marker=MToyOmszcy1zaG9wLWNhcnQtMDEyMzQ1Njc4OQ%3D%3D"))
    }

    @Test(
        arguments: [
            (nil, "400"), (1, "1"), (2, "2"), (400, "400"), (0, "1"), (-5, "1"), (401, "400"), (Int.max, "400"),
            (Int.min, "1"),
        ] as [(Int?, String)]
    )
    func pageSizeStaysInTheAPIsRange(_ pageSize: Int?, _ sent: String) async throws {
        let transport = ScriptedTransport([try Self.motoAnswer()])
        _ = try await Self.client(transport).describeTargetGroups(marker: nil, pageSize: pageSize, deadline: nil)
        #expect(Harness.form(transport.requests.first)["PageSize"] == sent)
    }

    /// Edits of moto's answer, each to the ledger target group (its port, 31443, is the only one of its kind).
    static let portEdits: [(port: String, expected: Int?)] = [
        ("garbage", nil), ("", nil), ("-1", nil), ("0", nil), ("65536", nil), ("99999999999999999999999", nil),
        ("1e3", nil), ("80.5", nil), ("0x50", nil), ("&#x31;", 1), (" 8080 ", 8080), ("65535", 65_535), ("1", 1),
    ]

    @Test(arguments: portEdits)
    func portsThatAreNotNumbersInRangeAreNil(_ port: String, _ expected: Int?) async throws {
        let response = try Self.motoAnswer {
            $0.replacingOccurrences(of: "<Port>31443</Port>", with: "<Port>\(port)</Port>")
        }
        let page = try await Self.client(ScriptedTransport([response])).describeTargetGroups(
            marker: nil,
            pageSize: nil,
            deadline: nil
        )
        #expect(page.targetGroups.count == 5)
        #expect(page.targetGroups.first { $0.arn == Self.ledger }?.port == expected)
    }

    @Test func aMissingPortIsNil() async throws {
        let response = try Self.motoAnswer { $0.replacingOccurrences(of: "<Port>31443</Port>", with: "") }
        let page = try await Self.client(ScriptedTransport([response])).describeTargetGroups(
            marker: nil,
            pageSize: nil,
            deadline: nil
        )
        let ledger = try #require(page.targetGroups.first { $0.arn == Self.ledger })
        #expect(ledger.port == nil)
        #expect(ledger.name == "k8s-payments-ledger-a1b2c3d4e5")
        #expect(ledger.protocolName == "TCP")
    }

    @Test(arguments: [
        ("<TargetGroupArn>\(ledger)</TargetGroupArn>", ""),
        ("<TargetGroupArn>\(ledger)</TargetGroupArn>", "<TargetGroupArn> </TargetGroupArn>"),
        ("<TargetGroupArn>\(ledger)</TargetGroupArn>", "<TargetGroupArn/>"),
    ])
    func aMemberWithoutAnARNIsSkipped(_ removed: String, _ replacement: String) async throws {
        let response = try Self.motoAnswer { $0.replacingOccurrences(of: removed, with: replacement) }
        let page = try await Self.client(ScriptedTransport([response])).describeTargetGroups(
            marker: nil,
            pageSize: nil,
            deadline: nil
        )
        #expect(page.targetGroups.map(\.arn) == [Self.legacy, Self.cart, Self.checkout, Self.lambda])
    }

    @Test func missingNamesListsProtocolsAndTypesAreEmptyOrNil() async throws {
        let name = "<TargetGroupName>k8s-payments-ledger-a1b2c3d4e5</TargetGroupName>"
        let balancers = "<LoadBalancerArns><member>\(Self.ledgerNLB)</member></LoadBalancerArns>"
        let protocolAndPort = "<Protocol>TCP</Protocol><Port>31443</Port>"
        // The ledger's TargetType is the one right before the cart's member.
        let typeBeforeCart =
            "<TargetType>instance</TargetType><IpAddressType>ipv4</IpAddressType></member><member>"
            + "<TargetGroupArn>\(Self.cart)"
        let response = try Self.motoAnswer { body in
            body.replacingOccurrences(of: name, with: "")
                .replacingOccurrences(of: balancers, with: "<LoadBalancerArns><member></member></LoadBalancerArns>")
                .replacingOccurrences(of: protocolAndPort, with: "<Protocol/><Port>31443</Port>")
                .replacingOccurrences(
                    of: typeBeforeCart,
                    with: typeBeforeCart.replacingOccurrences(of: "instance", with: "")
                )
        }
        let page = try await Self.client(ScriptedTransport([response])).describeTargetGroups(
            marker: nil,
            pageSize: nil,
            deadline: nil
        )
        #expect(page.targetGroups.count == 5)
        let ledger = try #require(page.targetGroups.first { $0.arn == Self.ledger })
        #expect(ledger == TargetGroup(arn: Self.ledger, name: "", port: 31443))
    }

    @Test(arguments: ["<NextMarker></NextMarker>", "<NextMarker>  \n </NextMarker>", "<NextMarker/>"])
    func anEmptyMarkerEndsThePaging(_ marker: String) async throws {
        let response = try Self.motoAnswer {
            $0.replacingOccurrences(
                of: "</TargetGroups></DescribeTargetGroupsResult>",
                with: "</TargetGroups>\(marker)</DescribeTargetGroupsResult>"
            )
        }
        let page = try await Self.client(ScriptedTransport([response])).describeTargetGroups(
            marker: nil,
            pageSize: nil,
            deadline: nil
        )
        #expect(page.targetGroups.count == 5)
        #expect(page.nextMarker == nil)
    }

    @Test func noTargetGroupsIsAnEmptyPage() async throws {
        let body = """
            <DescribeTargetGroupsResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/">\
            <DescribeTargetGroupsResult><TargetGroups/></DescribeTargetGroupsResult>\
            <ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></DescribeTargetGroupsResponse>
            """
        let page = try await Self.client(ScriptedTransport([Self.answer(body)])).describeTargetGroups(
            marker: nil,
            pageSize: nil,
            deadline: nil
        )
        #expect(page == TargetGroupPage())
    }

    /// A 200 that is not a DescribeTargetGroups answer (a proxy's page, a portal, another action's answer) fails as
    /// malformed instead of reading as "no target groups".
    @Test(arguments: [
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Sign in</title></head><body>Wi-Fi</body></html>",
        "<html><head><title>Sign in</title></head><body><p>Wi-Fi</p></body></html>",
        "<DescribeTargetGroupsResponse><ResponseMetadata/></DescribeTargetGroupsResponse>",
        "<DescribeLoadBalancersResponse><DescribeLoadBalancersResult><LoadBalancers/>"
            + "</DescribeLoadBalancersResult></DescribeLoadBalancersResponse>",
        "",
        "not xml at all",
    ])
    func anAnswerThatIsNotDescribeTargetGroupsIsMalformed(_ body: String) async {
        let error = await #expect(throws: AWSError.self) {
            try await Self.client(ScriptedTransport([Self.answer(body)])).describeTargetGroups(
                marker: nil,
                pageSize: nil,
                deadline: nil
            )
        }
        #expect(error?.kind == .malformedResponse)
        #expect(error?.operation == "DescribeTargetGroups")
        #expect(error?.service == "elbv2")
    }

    @Test func targetGroupTagsMatchTheCapture() async throws {
        let fixture = try WireFixture.load("elbv2-DescribeTags-target-groups.txt")
        let transport = ScriptedTransport([fixture.response])
        let arns = [Self.legacy, Self.ledger, Self.cart, Self.checkout, Self.lambda]
        let tags = try await Self.client(transport).describeTags(resourceARNs: arns, deadline: nil)
        #expect(Set(tags.keys) == Set(arns))
        #expect(
            tags[Self.checkout] == [
                AWSTag(key: "elbv2.k8s.aws/cluster", value: "demo"),
                AWSTag(key: "ingress.k8s.aws/stack", value: "shop-group"),
                AWSTag(key: "ingress.k8s.aws/resource", value: "shop/shop-web-checkout-api:8080"),
            ]
        )
        #expect(tags[Self.legacy]?.contains(AWSTag(key: "kubernetes.io/service-name", value: "default/legacy")) == true)
        #expect(tags[Self.lambda] == [AWSTag(key: "team", value: "reports")])
        #expect(Harness.form(transport.requests.first) == Harness.form(fixture.requestBody))
    }
}
