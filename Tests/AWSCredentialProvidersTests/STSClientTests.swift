import AWSCore
import AWSSigV4
import Foundation
import Testing

@testable import AWSCredentialProviders

/// The real ``STSClient`` through the chain, against a loopback server standing in for STS
/// (`AWS_ENDPOINT_URL_STS`), so the wire requests can be checked.
@Suite struct STSClientTests {
    static func response(_ action: String, keyId: String = "ASIAFAKE") -> String {
        """
        <\(action)Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><\(action)Result><Credentials>\
        <AccessKeyId>\(keyId)</AccessKeyId><SecretAccessKey>fakeSecret</SecretAccessKey>\
        <SessionToken>fakeToken</SessionToken><Expiration>2026-01-15T13:00:00.123456Z</Expiration></Credentials>\
        </\(action)Result><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></\(action)Response>
        """
    }

    static func form(_ body: [UInt8]) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            fields[parts[0]] = parts.count > 1 ? parts[1].removingPercentEncoding : ""
        }
        return fields
    }

    static let fakeSTS: TestHTTPServer.Handler = { request in
        let action = Self.form(request.body)["Action"] ?? ""
        if Self.form(request.body)["RoleArn"]?.hasSuffix("/forbidden") == true {
            return .init(
                status: 403,
                body: """
                    <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>\
                    <Code>AccessDenied</Code><Message>not authorized to perform sts:AssumeRole</Message></Error>\
                    <RequestId>req-2</RequestId></ErrorResponse>
                    """
            )
        }
        return .init(status: 200, body: Self.response(action))
    }

    @Test func profileRoleSignsWithTheSourceProfileKeysInTheProfileRegion() async throws {
        try await RealSocketCredentialTests.withServer(Self.fakeSTS) { server, transport in
            let environment = [
                "AWS_PROFILE": "reader", "HOME": "/nonexistent", "AWS_ENDPOINT_URL_STS": server.baseURL,
                "AWS_CONFIG_FILE": try Fixtures.path("aws-credentials/files/config"),
                "AWS_SHARED_CREDENTIALS_FILE": try Fixtures.path("aws-credentials/files/credentials"),
            ]
            let chain = CredentialChain.standard(
                environment: environment,
                transport: transport,
                sts: STSClient(transport: transport, environment: environment, logger: testLogger),
                logger: testLogger
            )
            let credentials = try await chain.credentials()
            #expect(credentials.accessKeyId == "ASIAFAKE")
            #expect(credentials.sessionToken == "fakeToken")
            #expect(credentials.expiration == Date(timeIntervalSince1970: 1_768_482_000.123456))

            let request = try #require(server.requests.first)
            #expect(server.requests.count == 1)
            let authorization = try #require(request.header("Authorization"))
            #expect(authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDDEV/"))
            #expect(authorization.contains("/ap-southeast-2/sts/aws4_request"))
            #expect(authorization.contains("x-amz-security-token"))
            #expect(request.header("X-Amz-Security-Token") == "tokenDev")
            #expect(
                Self.form(request.body) == [
                    "Action": "AssumeRole", "Version": "2011-06-15",
                    "RoleArn": "arn:aws:iam::123456789012:role/metrics-reader", "RoleSessionName": "exporter",
                    "ExternalId": "ext-123", "DurationSeconds": "900",
                ]
            )
        }
    }

    @Test func webIdentityRequestIsUnsignedAndCarriesTheTrimmedToken() async throws {
        let directory = try TemporaryDirectory()
        let tokenFile = try directory.write("token", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln\n")
        try await RealSocketCredentialTests.withServer(Self.fakeSTS) { server, transport in
            let environment = [
                "HOME": "/nonexistent", "AWS_ENDPOINT_URL": server.baseURL, "AWS_REGION": "eu-west-1",
                "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile, "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/irsa",
                "AWS_ROLE_SESSION_NAME": "my-pod",
            ]
            let chain = CredentialChain.standard(
                environment: environment,
                transport: transport,
                sts: STSClient(transport: transport, environment: environment, logger: testLogger),
                logger: testLogger
            )
            #expect(try await chain.credentials().accessKeyId == "ASIAFAKE")
            let request = try #require(server.requests.first)
            #expect(request.header("Authorization") == nil)
            #expect(request.header("X-Amz-Date") == nil)
            #expect(request.header("X-Amz-Security-Token") == nil)
            #expect(
                Self.form(request.body) == [
                    "Action": "AssumeRoleWithWebIdentity", "Version": "2011-06-15",
                    "RoleArn": "arn:aws:iam::123456789012:role/irsa", "RoleSessionName": "my-pod",
                    "WebIdentityToken": "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln",
                ]
            )
        }
    }

    @Test func stsRefusalIsACredentialsErrorNamingTheRole() async throws {
        try await RealSocketCredentialTests.withServer(Self.fakeSTS) { server, transport in
            let sts = STSClient(
                transport: transport,
                environment: ["AWS_ENDPOINT_URL_STS": server.baseURL],
                logger: testLogger
            )
            let provider = AssumeRoleCredentialProvider(
                roleARN: "arn:aws:iam::123456789012:role/forbidden",
                source: StaticCredentialProvider(AWSCredentials(accessKeyId: "AKID", secretAccessKey: "topSecret")),
                region: "us-east-1",
                sts: sts,
                logger: testLogger
            )
            let error = await #expect(throws: AWSError.self) { try await provider.credentials() }
            #expect(error?.kind == .credentials)
            #expect(error?.code == "AccessDenied")
            #expect(error?.message.contains("arn:aws:iam::123456789012:role/forbidden") == true)
            #expect(error.map { "\($0)" }?.contains("topSecret") == false)
            #expect(server.requests.count == 1)
        }
    }

    @Test(arguments: [
        ("us-east-1", "https://sts.us-east-1.amazonaws.com/"),
        ("cn-north-1", "https://sts.cn-north-1.amazonaws.com.cn/"),
        ("us-gov-west-1", "https://sts.us-gov-west-1.amazonaws.com/"),
    ])
    func regionalEndpoints(region: String, url: String) async throws {
        let transport = RecordingTransport { _ in .text(200, Self.response("AssumeRoleWithWebIdentity")) }
        let sts = STSClient(transport: transport, environment: [:], logger: testLogger)
        _ = try await sts.assumeRoleWithWebIdentity(
            roleARN: "arn:aws:iam::1:role/r",
            sessionName: "s",
            webIdentityToken: "jwt",
            region: region,
            deadline: nil
        )
        #expect(transport.requests.first?.url == url)
    }
}
