import AWSCore
import AWSSigV4
import AWSTestSupport
import Foundation
import Testing

@testable import AWSCredentialProviders

/// The IMDSv2 and container flows end to end: the chain, the production AsyncHTTPClient transport, and a small
/// HTTP server on 127.0.0.1 playing IMDS or the container agent. `.timingSensitive`: IMDS requests time out after
/// 1 s, so these never run beside a test that starts moto_server or burns CPU.
@Suite(.timingSensitive) struct RealSocketCredentialTests {
    static let document = """
        {"Code":"Success","LastUpdated":"2026-01-15T11:47:12Z","Type":"AWS-HMAC","AccessKeyId":"ASIAIMDS",\
        "SecretAccessKey":"imdsSecret","Token":"imdsToken","Expiration":"2026-01-15T18:12:40Z"}
        """

    /// Runs `body` with a server and a transport, and stops both whatever happens.
    static func withServer(
        _ handler: @escaping TestHTTPServer.Handler,
        _ body: (TestHTTPServer, AsyncHTTPClientTransport) async throws -> Void
    ) async throws {
        let server = try await TestHTTPServer.start(handler)
        let transport = AsyncHTTPClientTransport(connectTimeout: .seconds(1))
        do {
            try await body(server, transport)
        } catch {
            try? await transport.shutdown()
            try? await server.stop()
            throw error
        }
        try await transport.shutdown()
        try await server.stop()
    }

    @Test func instanceRoleThroughIMDSv2() async throws {
        let handler: TestHTTPServer.Handler = { request in
            switch (request.method, request.uri) {
            case ("PUT", "/latest/api/token"): return .init(status: 200, body: "v2-token")
            case ("GET", "/latest/meta-data/iam/security-credentials/"): return .init(status: 200, body: "web-role")
            case ("GET", "/latest/meta-data/iam/security-credentials/web-role"):
                return .init(status: 200, body: Self.document)
            case ("GET", "/latest/meta-data/placement/region"): return .init(status: 200, body: "ap-northeast-1")
            default: return .init(status: 404, body: "")
            }
        }
        try await Self.withServer(handler) { server, transport in
            let environment = ["HOME": "/nonexistent", "AWS_EC2_METADATA_SERVICE_ENDPOINT": server.baseURL + "/"]
            let chain = CredentialChain.standard(
                environment: environment,
                transport: transport,
                sts: RecordingSTS(),
                logger: testLogger
            )
            #expect(chain.source == "iam-role")
            let credentials = try await chain.credentials()
            #expect(credentials.accessKeyId == "ASIAIMDS")
            #expect(credentials.sessionToken == "imdsToken")
            let region = try await RegionResolver.resolve(
                explicit: nil,
                environment: environment,
                transport: transport,
                logger: testLogger
            )
            #expect(region == "ap-northeast-1")

            let requests = server.requests
            #expect(requests.map(\.method) == ["PUT", "GET", "GET", "PUT", "GET"])
            #expect(requests.first?.header("x-aws-ec2-metadata-token-ttl-seconds") == "21600")
            for request in requests where request.method == "GET" {
                #expect(request.header("x-aws-ec2-metadata-token") == "v2-token")
            }
        }
    }

    @Test func imdsWithoutTokenSupportFailsInsteadOfFallingBack() async throws {
        let handler: TestHTTPServer.Handler = { request in
            request.method == "PUT" ? .init(status: 405, body: "") : .init(status: 200, body: "web-role")
        }
        try await Self.withServer(handler) { server, transport in
            let chain = CredentialChain.standard(
                environment: ["HOME": "/nonexistent", "AWS_EC2_METADATA_SERVICE_ENDPOINT": server.baseURL],
                transport: transport,
                sts: RecordingSTS(),
                logger: testLogger
            )
            let error = await #expect(throws: AWSError.self) { try await chain.credentials() }
            #expect(error?.message.contains("IMDSv1 is not used") == true)
            #expect(error?.message.hasPrefix("no credentials in the environment, in profile 'default'") == true)
            #expect(server.requests.map(\.method) == ["PUT"])
        }
    }

    @Test func podIdentityThroughTheContainerEndpoint() async throws {
        let directory = try TemporaryDirectory()
        let tokenFile = try directory.write("eks-pod-identity-token", "pod-identity-jwt")
        let handler: TestHTTPServer.Handler = { request in
            guard request.uri == "/v1/credentials", request.header("Authorization") == "pod-identity-jwt" else {
                return .init(status: 401, body: #"{"Message":"unauthorized"}"#)
            }
            return .init(
                status: 200,
                body: #"{"AccessKeyId":"ASIAPOD","SecretAccessKey":"podSecret","Token":"podToken","#
                    + #""AccountId":"123456789012","Expiration":"2026-01-15T18:00:00Z"}"#
            )
        }
        try await Self.withServer(handler) { server, transport in
            let chain = CredentialChain.standard(
                environment: [
                    "HOME": "/nonexistent", "AWS_EC2_METADATA_DISABLED": "true",
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI": server.baseURL + "/v1/credentials",
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenFile,
                ],
                transport: transport,
                sts: RecordingSTS(),
                logger: testLogger
            )
            #expect(chain.source == "container-role")
            let credentials = try await chain.credentials()
            #expect(credentials.accessKeyId == "ASIAPOD")
            #expect(credentials.expiration == Date(timeIntervalSince1970: 1_768_500_000))
            #expect(server.requests.first?.header("Accept") == "application/json")
        }
    }
}
