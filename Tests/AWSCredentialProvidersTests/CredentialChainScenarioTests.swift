import AWSCore
import AWSSigV4
import Foundation
import Testing

@testable import AWSCredentialProviders

/// Every scenario of `aws-credentials/scenarios.json` (observed with botocore), run through our chain with the
/// same environment and files.
///
/// Two deliberate differences from botocore, both following the other AWS SDKs: the region reads `AWS_REGION`
/// first (botocore ignores it), and there is no "profile passed in code" (the exporter has no such setting), so
/// that scenario keeps the environment keys winning, as `AWS_PROFILE` does.
@Suite struct CredentialChainScenarioTests {
    struct Scenario: Decodable, Sendable, CustomStringConvertible {
        struct Expectation: Decodable, Sendable {
            struct STSCall: Decodable, Sendable {
                var endpoint_region: String?
                var signed: Bool?
                var body: String?
                var body_params: [String: String]?
            }
            var provider: String?
            var access_key: String?
            var session_token: String?
            var region: String?
            var region_most_other_sdks: String?
            var error: String?
            var sts_call: STSCall?
        }
        var name: String
        var env: [String: String]
        var explicit_profile: String?
        var expect: Expectation
        var description: String { name }
    }

    struct Document: Decodable { var scenarios: [Scenario] }

    static let scenarios: [Scenario] = {
        guard let url = try? Fixtures.root.appendingPathComponent("aws-credentials/scenarios.json"),
            let data = try? Data(contentsOf: url),
            let document = try? JSONDecoder().decode(Document.self, from: data)
        else { return [] }
        return document.scenarios
    }()

    @Test func allScenariosLoaded() {
        #expect(Self.scenarios.count == 13)
    }

    @Test(arguments: scenarios)
    func chainFollowsTheSDKOrder(_ scenario: Scenario) async throws {
        var environment = try scenario.env.mapValues { value in
            value.hasPrefix("files/") ? try Fixtures.path("aws-credentials/" + value) : value
        }
        environment["AWS_CONFIG_FILE"] = try Fixtures.path("aws-credentials/files/config")
        environment["AWS_SHARED_CREDENTIALS_FILE"] = try Fixtures.path("aws-credentials/files/credentials")
        environment["AWS_EC2_METADATA_DISABLED"] = "true"
        environment["HOME"] = "/nonexistent"
        let sts = RecordingSTS()
        let chain = CredentialChain.standard(
            environment: environment,
            transport: RecordingTransport.unreachable(),
            sts: sts,
            clock: TestClock().function,
            logger: testLogger
        )

        if let expectedError = scenario.expect.error {
            #expect(expectedError == "PartialCredentialsError")
            let error = await #expect(throws: AWSError.self) { try await chain.credentials() }
            #expect(error?.kind == .credentials)
            #expect(error?.code == "PartialCredentials")
            #expect(error?.message.contains("AWS_SECRET_ACCESS_KEY") == true)
            return
        }

        let credentials = try await chain.credentials()
        if scenario.explicit_profile != nil {
            // No programmatic profile in this exporter: the environment keys win, as with AWS_PROFILE.
            #expect(chain.source == "env")
            #expect(credentials.accessKeyId == "AKIDENV")
        } else {
            #expect(chain.source == scenario.expect.provider)
            if let key = scenario.expect.access_key { #expect(credentials.accessKeyId == key) }
            if let token = scenario.expect.session_token { #expect(credentials.sessionToken == token) }
        }

        if let call = scenario.expect.sts_call {
            if call.signed == false {
                let webIdentity = try #require(sts.webIdentityCalls.first)
                #expect(sts.webIdentityCalls.count == 1)
                #expect(webIdentity.roleARN == call.body_params?["RoleArn"])
                #expect(webIdentity.sessionName == call.body_params?["RoleSessionName"])
                let tokenFile = try #require(environment["AWS_WEB_IDENTITY_TOKEN_FILE"])
                #expect(webIdentity.token == (try String(contentsOfFile: tokenFile, encoding: .utf8)))
                #expect(credentials == sts.result)
            } else {
                let assumeRole = try #require(sts.assumeRoleCalls.first)
                #expect(assumeRole.region == call.endpoint_region)
                #expect(assumeRole.signingCredentials.accessKeyId == "AKIDDEV")
                #expect(assumeRole.signingCredentials.sessionToken == "tokenDev")
                #expect(assumeRole.roleARN == "arn:aws:iam::123456789012:role/metrics-reader")
                #expect(assumeRole.sessionName == "exporter")
                #expect(assumeRole.externalId == "ext-123")
                #expect(assumeRole.durationSeconds == 900)
                #expect(credentials == sts.result)
            }
        }

        // Without a programmatic profile the region of the explicit-profile scenario is the default profile's.
        let expectedRegion =
            scenario.explicit_profile != nil
            ? "us-west-2" : scenario.expect.region_most_other_sdks ?? scenario.expect.region
        if let expectedRegion {
            let region = try await RegionResolver.resolve(
                explicit: nil,
                environment: environment,
                transport: RecordingTransport.unreachable(),
                logger: testLogger
            )
            #expect(region == expectedRegion)
        }
    }
}
