import AWSCore
import AWSSigV4
import Foundation
import Testing

@testable import AWSCredentialProviders

/// ECS task role and EKS Pod Identity flows against a transport double.
@Suite struct ContainerCredentialProviderTests {
    static let body = """
        {"AccessKeyId":"ASIAIOSFODNN7EXAMPLE","SecretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",\
        "Token":"IQoJb3JpZ2luX2VjEXAMPLE==","AccountId":"123456789012","Expiration":"2026-01-15T18:00:00Z"}
        """

    static func provider(
        _ environment: [String: String],
        _ transport: RecordingTransport
    ) throws -> ContainerCredentialProvider {
        try #require(
            try ContainerCredentialProvider(
                environment: environment,
                transport: transport,
                attempts: 3,
                retryDelay: .milliseconds(1)
            )
        )
    }

    @Test func relativeURIGoesToTheECSAgent() async throws {
        let transport = RecordingTransport { _ in .text(200, Self.body) }
        let credentials = try await Self.provider(
            [
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/2f3a",
                "AWS_CONTAINER_CREDENTIALS_FULL_URI": "https://x",
            ],
            transport
        ).credentials()
        #expect(credentials.accessKeyId == "ASIAIOSFODNN7EXAMPLE")
        #expect(credentials.expiration == Date(timeIntervalSince1970: 1_768_500_000))
        let request = try #require(transport.requests.first)
        #expect(request.url == "http://169.254.170.2/v2/credentials/2f3a")
        #expect(request.method == "GET")
        #expect(!request.headers.contains { $0.0.lowercased() == "authorization" })
    }

    @Test func podIdentityTokenFileIsReadOnEveryFetchAndWinsOverTheVariable() async throws {
        let directory = try TemporaryDirectory()
        let tokenFile = try directory.write("eks-pod-identity-token", "first-token")
        let transport = RecordingTransport { _ in .text(200, Self.body) }
        let provider = try Self.provider(
            [
                "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.23/v1/credentials",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenFile,
                "AWS_CONTAINER_AUTHORIZATION_TOKEN": "variable-token",
            ],
            transport
        )
        _ = try await provider.credentials()
        _ = try directory.write("eks-pod-identity-token", "rotated-token\n")
        _ = try await provider.credentials()
        let authorizations = transport.requests.map { request in
            request.headers.first { $0.0 == "Authorization" }?.1
        }
        #expect(authorizations == ["first-token", "rotated-token"])
        #expect(transport.requests.first?.url == "http://169.254.170.23/v1/credentials")
    }

    @Test func tokenVariableIsSentRaw() async throws {
        let transport = RecordingTransport { _ in .text(200, Self.body) }
        _ = try await Self.provider(
            [
                "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:51679/creds",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN": "abc",
            ],
            transport
        ).credentials()
        #expect(transport.requests.first?.headers.contains { $0 == ("Authorization", "abc") } == true)
    }

    @Test func aTokenWithALineBreakIsRefused() async throws {
        let transport = RecordingTransport { _ in .text(200, Self.body) }
        let error = await #expect(throws: AWSError.self) {
            try await Self.provider(
                [
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:51679/creds",
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN": "abc\r\nX-Injected: 1",
                ],
                transport
            ).credentials()
        }
        #expect(error?.code == "InvalidAuthorizationToken")
        #expect(transport.requests.isEmpty)
    }

    /// Allowed URIs are fetched; refused ones fail when the provider is made, because of the scheme or host, with a
    /// transport that would have answered valid credentials to any request, and nothing is sent anywhere.
    @Test(
        arguments: [
            ("https://creds.example.com/x", nil),
            ("http://127.0.0.1:8080/creds", nil),
            ("http://127.1.2.3/creds", nil),
            ("http://localhost/creds", nil),
            ("http://[::1]:80/creds", nil),
            ("http://169.254.170.2/creds", nil),
            ("http://169.254.170.23/v1/credentials", nil),
            ("http://[fd00:ec2::23]/v1/credentials", nil),
            ("http://127.evil.example.com/creds", "got host 127.evil.example.com"),
            ("http://10.0.0.1/creds", "got host 10.0.0.1"),
            ("http://LOCALHOST.example.com/creds", "got host localhost.example.com"),
            ("ftp://127.0.0.1/creds", "must be https, or http to a loopback address"),
            ("not a url", "is not a URL"),
        ] as [(String, String?)]
    )
    func fullURIMustBeHTTPSOrALocalAddress(uri: String, refusal: String?) async throws {
        let transport = RecordingTransport { _ in .text(200, Self.body) }
        let environment = ["AWS_CONTAINER_CREDENTIALS_FULL_URI": uri]
        let result = Result { () throws(AWSError) in
            try ContainerCredentialProvider(environment: environment, transport: transport)
        }
        switch result {
        case .success(let provider):
            #expect(refusal == nil, "\(uri) was accepted")
            let accepted = try #require(provider)
            let credentials = try await accepted.credentials()
            #expect(credentials.accessKeyId == "ASIAIOSFODNN7EXAMPLE")
            #expect(transport.requests.map(\.url) == [uri])
        case .failure(let error):
            let reason = try #require(refusal, "\(uri) was refused: \(error)")
            #expect(error.code == "InvalidConfiguration")
            #expect(error.message.contains("AWS_CONTAINER_CREDENTIALS_FULL_URI"))
            #expect(error.message.contains(reason), "\(error.message)")
            #expect(transport.requests.isEmpty)
        }
    }

    @Test func serverErrorsAreRetriedThreeTimes() async throws {
        let transport = RecordingTransport { _ in .text(500, "") }
        let error = await #expect(throws: AWSError.self) {
            try await Self.provider(["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/x"], transport).credentials()
        }
        #expect(error?.service == "container")
        #expect(error?.httpStatus == 500)
        #expect(transport.requests.count == 3)
    }

    @Test func clientErrorsAreNotRetried() async throws {
        let transport = RecordingTransport { _ in .text(403, "") }
        await #expect(throws: AWSError.self) {
            try await Self.provider(["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/x"], transport).credentials()
        }
        #expect(transport.requests.count == 1)
    }
}
