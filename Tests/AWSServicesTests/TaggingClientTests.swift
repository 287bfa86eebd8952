import AWSCore
import AWSServices
import AWSTestSupport
import Foundation
import Testing

@Suite struct TaggingClientTests {
    let envFilter = [TagFilter(key: "env", values: ["prod", "dev"])]

    @Test func pagesFollowTheTokenUntilNull() async throws {
        let page1 = try WireFixture.load("tagging-GetResources-page1.txt")
        let page2 = try WireFixture.load("tagging-GetResources-page2.txt")
        let transport = ScriptedTransport([page1.response, page2.response])
        let client = TaggingClient(caller: Harness.caller(.tagging, transport))
        let first = try await client.getResources(
            GetResourcesInput(tagFilters: envFilter, resourcesPerPage: 1),
            deadline: nil
        )
        #expect(
            first.mappings.map(\.resourceARN) == [
                "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/web-classic"
            ]
        )
        #expect(first.mappings.first?.tags == [AWSTag(key: "env", value: "prod"), AWSTag(key: "team", value: "web")])
        #expect(first.paginationToken == "beb2e6a9-d30c-4932-b9e2-c6009859047c")
        let second = try await client.getResources(
            GetResourcesInput(tagFilters: envFilter, paginationToken: first.paginationToken, resourcesPerPage: 1),
            deadline: nil
        )
        #expect(second.mappings.count == 1)
        #expect(try Harness.jsonObject(transport.requests.first) == Harness.jsonObject(page1.requestBody))
        #expect(try Harness.jsonObject(transport.requests.last) == Harness.jsonObject(page2.requestBody))
    }

    @Test(arguments: ["tagging-GetResources-nofilter.txt", "tagging-GetResources-elasticloadbalancing.txt"])
    func nullTokenEndsPaging(_ name: String) async throws {
        let fixture = try WireFixture.load(name)
        let transport = ScriptedTransport([fixture.response])
        let input =
            name.contains("nofilter")
            ? GetResourcesInput() : GetResourcesInput(resourceTypeFilters: ["elasticloadbalancing:loadbalancer"])
        let output = try await TaggingClient(caller: Harness.caller(.tagging, transport)).getResources(
            input,
            deadline: nil
        )
        #expect(output.paginationToken == nil)
        #expect(!output.mappings.isEmpty)
        #expect(output.mappings.contains { $0.tags.isEmpty })
        #expect(try Harness.jsonObject(transport.requests.first) == Harness.jsonObject(fixture.requestBody))
    }

    @Test func emptyStringTokenEndsPagingAndMatchesBotocore() async throws {
        let fixture = try WireFixture.load("tagging-json11-GetResources-last-page.http")
        let parsed = try #require(
            try WireFixture.json("tagging-json11-GetResources-last-page.parsed.json") as? [String: Any]
        )
        let output = try await TaggingClient(caller: Harness.caller(.tagging, ScriptedTransport([fixture.response])))
            .getResources(GetResourcesInput(), deadline: nil)
        #expect(parsed["PaginationToken"] as? String == "")
        #expect(output.paginationToken == nil)
        let expected = try #require(parsed["ResourceTagMappingList"] as? [[String: Any]])
        #expect(output.mappings.map(\.resourceARN) == expected.map { $0["ResourceARN"] as? String ?? "" })
        #expect(
            output.mappings.map { $0.tags.map(\.key) }
                == expected.map { ($0["Tags"] as? [[String: String]] ?? []).map { $0["Key"] ?? "" } }
        )
    }

    @Test(arguments: ["tagging-GetResources-error.txt", "tagging-json11-error-throttled.http"])
    func errorsAreDecoded(_ name: String) async throws {
        let fixture = try WireFixture.load(name)
        let error = await #expect(throws: AWSError.self) {
            try await TaggingClient(caller: Harness.caller(.tagging, ScriptedTransport([fixture.response])))
                .getResources(GetResourcesInput(), deadline: nil)
        }
        #expect(error?.code == (name.contains("throttled") ? "ThrottledException" : "PaginationTokenExpiredException"))
    }
}
