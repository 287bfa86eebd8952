import AWSCore
import AWSSigV4
import Foundation
import Testing

@testable import AWSCredentialProviders

/// IMDSv2 flows against a transport double: token first, role name, role credentials; no IMDSv1 fallback.
@Suite struct IMDSCredentialProviderTests {
    static let document = """
        {
          "Code" : "Success",
          "LastUpdated" : "2026-01-15T11:47:12Z",
          "Type" : "AWS-HMAC",
          "AccessKeyId" : "ASIAIOSFODNN7EXAMPLE",
          "SecretAccessKey" : "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
          "Token" : "IQoJb3JpZ2luX2VjEXAMPLE==",
          "Expiration" : "2026-01-15T18:12:40Z"
        }
        """

    static func imds(_ transport: RecordingTransport, endpoint: String = "http://127.0.0.1:9") throws -> IMDSClient {
        try #require(IMDSClient(environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": endpoint], transport: transport))
    }

    @Test func fetchesTokenThenRoleThenCredentials() async throws {
        let transport = RecordingTransport { request in
            switch (request.method, request.url) {
            case ("PUT", "http://127.0.0.1:9/latest/api/token"): return .text(200, "imds-token")
            case ("GET", "http://127.0.0.1:9/latest/meta-data/iam/security-credentials/"):
                return .text(200, "my-instance-role\n")
            case ("GET", "http://127.0.0.1:9/latest/meta-data/iam/security-credentials/my-instance-role"):
                return .text(200, Self.document)
            default: return .text(404, "")
            }
        }
        let credentials = try await IMDSCredentialProvider(
            client: try Self.imds(transport, endpoint: "http://127.0.0.1:9/")
        )
        .credentials()
        #expect(credentials.accessKeyId == "ASIAIOSFODNN7EXAMPLE")
        #expect(credentials.sessionToken == "IQoJb3JpZ2luX2VjEXAMPLE==")
        #expect(credentials.expiration == Date(timeIntervalSince1970: 1_768_500_760))

        let requests = transport.requests
        #expect(requests.map(\.method) == ["PUT", "GET", "GET"])
        #expect(requests[0].headers.contains { $0 == ("x-aws-ec2-metadata-token-ttl-seconds", "21600") })
        for request in requests.dropFirst() {
            #expect(request.headers.contains { $0 == ("x-aws-ec2-metadata-token", "imds-token") })
        }
    }

    @Test(arguments: [403, 404, 405])
    func aRefusedTokenRequestIsAnErrorNotAnIMDSv1Fallback(status: Int) async throws {
        let transport = RecordingTransport { _ in .text(status, "") }
        let error = await #expect(throws: AWSError.self) {
            try await IMDSCredentialProvider(client: try Self.imds(transport)).credentials()
        }
        #expect(error?.kind == .credentials)
        #expect(error?.service == "imds")
        #expect(error?.message.contains("IMDSv1 is not used") == true)
        #expect(transport.requests.count == 1)
    }

    @Test func unreachableIMDSSaysSo() async throws {
        let transport = RecordingTransport { _ in throw HTTPTransportError(kind: .timeout, message: "1 s elapsed") }
        let error = await #expect(throws: AWSError.self) {
            try await IMDSCredentialProvider(client: try Self.imds(transport)).credentials()
        }
        #expect(error?.code == "Timeout")
        #expect(error?.message.contains("IMDSv1 is not used") == true)
    }

    @Test func anExpiredTokenIsRenewedOnce() async throws {
        let transport = RecordingTransport { request in
            if request.method == "PUT" { return .text(200, "token-\(request.url.count)") }
            if request.url.hasSuffix("/security-credentials/") { return .text(401, "") }
            return .text(404, "")
        }
        await #expect(throws: AWSError.self) {
            try await IMDSCredentialProvider(client: try Self.imds(transport)).credentials()
        }
        #expect(transport.requests.map(\.method) == ["PUT", "GET", "PUT", "GET"])
    }

    @Test func aFailureDocumentIsAnErrorWithoutTheBody() async throws {
        let transport = RecordingTransport { request in
            if request.method == "PUT" { return .text(200, "t") }
            if request.url.hasSuffix("/security-credentials/") { return .text(200, "role") }
            return .text(200, #"{"Code":"AssumeRoleUnauthorizedAccess","Message":"denied"}"#)
        }
        let error = await #expect(throws: AWSError.self) {
            try await IMDSCredentialProvider(client: try Self.imds(transport)).credentials()
        }
        #expect(error?.code == "AssumeRoleUnauthorizedAccess")
    }

    @Test func missingFieldsAreMalformed() async throws {
        let transport = RecordingTransport { request in
            if request.method == "PUT" { return .text(200, "t") }
            if request.url.hasSuffix("/security-credentials/") { return .text(200, "role") }
            return .text(
                200,
                #"{"AccessKeyId":"A","SecretAccessKey":"very-secret","Expiration":"2026-01-15T18:12:40Z"}"#
            )
        }
        let error = await #expect(throws: AWSError.self) {
            try await IMDSCredentialProvider(client: try Self.imds(transport)).credentials()
        }
        #expect(error?.code == "MalformedResponse")
        #expect(error?.message.contains("Token") == true)
        #expect(error.map { "\($0)" }?.contains("very-secret") == false)
    }

    @Test func disabledAndEndpointSettings() throws {
        let transport = RecordingTransport.unreachable()
        #expect(IMDSClient(environment: ["AWS_EC2_METADATA_DISABLED": "TRUE"], transport: transport) == nil)
        #expect(IMDSClient(environment: [:], transport: transport)?.endpoint == "http://169.254.169.254")
        #expect(
            IMDSClient(environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "IPv6"], transport: transport)?.endpoint
                == "http://[fd00:ec2::254]"
        )
        #expect(IMDSClient(environment: [:], transport: transport)?.timeout == .seconds(1))
    }

    @Test func regionComesFromPlacementWhenNothingElseSetsIt() async throws {
        let transport = RecordingTransport { request in
            if request.method == "PUT" { return .text(200, "t") }
            if request.url == "http://127.0.0.1:9/latest/meta-data/placement/region" { return .text(200, "eu-north-1") }
            return .text(404, "")
        }
        let region = try await RegionResolver.resolve(
            explicit: nil,
            environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:9", "HOME": "/nonexistent"],
            transport: transport,
            logger: testLogger
        )
        #expect(region == "eu-north-1")
        #expect(transport.requests.first?.method == "PUT")
    }

    @Test func noRegionAnywhereIsAClearError() async throws {
        let error = await #expect(throws: AWSError.self) {
            try await RegionResolver.resolve(
                explicit: nil,
                environment: ["AWS_EC2_METADATA_DISABLED": "true", "HOME": "/nonexistent"],
                transport: RecordingTransport.unreachable(),
                logger: testLogger
            )
        }
        #expect(error?.kind == .configuration)
        #expect(error?.message.contains("AWS_REGION") == true)
    }

    @Test func regionPrecedence() async throws {
        let config = try Fixtures.path("aws-credentials/files/config")
        func resolve(_ explicit: String?, _ environment: [String: String]) async throws -> String {
            try await RegionResolver.resolve(
                explicit: explicit,
                environment: environment.merging(["AWS_CONFIG_FILE": config, "AWS_EC2_METADATA_DISABLED": "true"]) {
                    $1
                },
                transport: RecordingTransport.unreachable(),
                logger: testLogger
            )
        }
        let all = ["AWS_REGION": "ca-central-1", "AWS_DEFAULT_REGION": "sa-east-1", "AWS_PROFILE": "dev"]
        #expect(try await resolve("ap-south-1", all) == "ap-south-1")
        #expect(try await resolve(nil, all) == "ca-central-1")
        #expect(try await resolve(nil, all.filter { $0.key != "AWS_REGION" }) == "sa-east-1")
        #expect(try await resolve(nil, ["AWS_PROFILE": "dev"]) == "eu-central-1")
        #expect(try await resolve(nil, ["AWS_DEFAULT_PROFILE": "reader"]) == "ap-southeast-2")
        #expect(try await resolve(nil, [:]) == "us-west-2")
    }
}
