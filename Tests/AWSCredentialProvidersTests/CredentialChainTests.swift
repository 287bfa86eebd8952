import AWSCore
import AWSSigV4
import Foundation
import Testing

@testable import AWSCredentialProviders

/// Chain choices and profile features beyond the botocore scenarios.
@Suite struct CredentialChainTests {
    static func chain(
        _ environment: [String: String],
        sts: RecordingSTS = RecordingSTS(),
        transport: RecordingTransport = .unreachable(),
        clock: TestClock = TestClock()
    ) -> CredentialChain {
        CredentialChain.standard(
            environment: environment,
            transport: transport,
            sts: sts,
            clock: clock.function,
            logger: testLogger
        )
    }

    @Test func legacySecurityTokenVariable() async throws {
        let chain = Self.chain([
            "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "s", "AWS_SECURITY_TOKEN": "legacy",
        ])
        #expect(try await chain.credentials().sessionToken == "legacy")
    }

    @Test func defaultFilesLiveUnderTheInjectedHome() async throws {
        let home = try TemporaryDirectory()
        try FileManager.default.createDirectory(
            at: home.url.appendingPathComponent(".aws"),
            withIntermediateDirectories: true
        )
        _ = try home.write(".aws/credentials", "[default]\naws_access_key_id = AKIDHOME\naws_secret_access_key = s\n")
        let chain = Self.chain(["HOME": home.url.path, "AWS_EC2_METADATA_DISABLED": "true"])
        #expect(chain.source == "shared-credentials-file")
        #expect(try await chain.credentials().accessKeyId == "AKIDHOME")
    }

    @Test func configFileSectionsAndPrecedence() async throws {
        let directory = try TemporaryDirectory()
        let config = try directory.write(
            "config",
            """
            # comment
            [profile ops]
            aws_access_key_id = AKIDCONFIG
            aws_secret_access_key = fromConfig
            region = eu-west-3
            s3 =
              max_concurrent_requests = 10
            [ops]
            aws_access_key_id = AKIDBARE
            aws_secret_access_key = bare
            [only-config]
            aws_access_key_id = AKIDONLY
            aws_secret_access_key = only
            [sso-session corp]
            sso_region = us-east-1
            """
        )
        let credentials = try directory.write("credentials", "[ops]\naws_secret_access_key = fromCredentials\n")
        let base = [
            "AWS_CONFIG_FILE": config, "AWS_SHARED_CREDENTIALS_FILE": credentials, "AWS_EC2_METADATA_DISABLED": "true",
        ]
        let ops = try await Self.chain(base.merging(["AWS_PROFILE": "ops"]) { $1 }).credentials()
        // `[profile ops]` wins over `[ops]` in the config file; the credentials file wins key by key.
        #expect(ops.accessKeyId == "AKIDCONFIG")
        #expect(ops.secretAccessKey == "fromCredentials")
        let only = Self.chain(base.merging(["AWS_PROFILE": "only-config"]) { $1 })
        #expect(only.source == "config-file")
        #expect(try await only.credentials().accessKeyId == "AKIDONLY")
    }

    @Test func aNamedProfileThatDoesNotExistIsAnError() async throws {
        let chain = Self.chain([
            "AWS_PROFILE": "missing", "AWS_CONFIG_FILE": try Fixtures.path("aws-credentials/files/config"),
            "AWS_SHARED_CREDENTIALS_FILE": try Fixtures.path("aws-credentials/files/credentials"),
        ])
        let error = await #expect(throws: AWSError.self) { try await chain.credentials() }
        #expect(error?.code == "ProfileNotFound")
        #expect(error?.message.contains("'missing'") == true)
    }

    @Test func nothingConfiguredWithIMDSDisabledSaysWhatWasTried() async throws {
        let chain = Self.chain(["HOME": "/nonexistent", "AWS_EC2_METADATA_DISABLED": "true"])
        #expect(chain.source == "none")
        let error = await #expect(throws: AWSError.self) { try await chain.credentials() }
        #expect(error?.kind == .credentials)
        #expect(error?.code == "NoCredentials")
    }

    @Test func containerThenIMDSComeLast() async throws {
        #expect(
            Self.chain(["HOME": "/nonexistent", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/x"]).source
                == "container-role"
        )
        #expect(Self.chain(["HOME": "/nonexistent"]).source == "iam-role")
    }

    @Test func aRefusedContainerURIIsNotFetchedNorReplacedByIMDS() async throws {
        // A transport that would answer valid credentials to anything: the refusal must come from the host alone.
        let transport = RecordingTransport { _ in
            .text(
                200,
                #"{"AccessKeyId":"ASIA","SecretAccessKey":"s","Token":"t","Expiration":"2099-01-01T00:00:00Z"}"#
            )
        }
        let bad = Self.chain(
            ["HOME": "/nonexistent", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://10.1.2.3/"],
            transport: transport
        )
        #expect(bad.source == "none")
        let error = await #expect(throws: AWSError.self) { try await bad.credentials() }
        #expect(error?.code == "InvalidConfiguration")
        #expect(error?.message.contains("got host 10.1.2.3") == true)
        #expect(transport.requests.isEmpty)
    }

    @Test func webIdentityTokenIsTrimmedAndSessionNameGenerated() async throws {
        let directory = try TemporaryDirectory()
        let tokenFile = try directory.write("token", "header.payload.signature\n")
        let sts = RecordingSTS()
        let clock = TestClock(Date(timeIntervalSince1970: 1_700_000_000))
        let chain = Self.chain(
            [
                "HOME": "/nonexistent", "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile,
                "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/irsa", "AWS_REGION": "eu-west-1",
            ],
            sts: sts,
            clock: clock
        )
        _ = try await chain.credentials()
        let call = try #require(sts.webIdentityCalls.first)
        #expect(call.token == "header.payload.signature")
        #expect(call.sessionName == "cloudwatch-tag-exporter-1700000000")
        #expect(call.region == "eu-west-1")
    }

    @Test func webIdentityTokenFileIsReReadOnRefresh() async throws {
        let directory = try TemporaryDirectory()
        let tokenFile = try directory.write("token", "first")
        let sts = RecordingSTS()  // credentials expire an hour after the test clock's start
        let clock = TestClock()
        let chain = Self.chain(
            [
                "HOME": "/nonexistent", "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile,
                "AWS_ROLE_ARN": "arn:aws:iam::1:role/r",
            ],
            sts: sts,
            clock: clock
        )
        _ = try await chain.credentials()
        _ = try directory.write("token", "second")
        _ = try await chain.credentials()
        #expect(sts.webIdentityCalls.map(\.token) == ["first"])
        clock.advance(50 * 60)
        _ = try await chain.credentials()
        #expect(sts.webIdentityCalls.map(\.token) == ["first", "second"])
    }

    @Test func webIdentityWithoutRoleIsAnError() async throws {
        let chain = Self.chain(["HOME": "/nonexistent", "AWS_WEB_IDENTITY_TOKEN_FILE": "/tmp/x"])
        let error = await #expect(throws: AWSError.self) { try await chain.credentials() }
        #expect(error?.message.contains("AWS_ROLE_ARN") == true)
    }

    @Test func profileRoleWithCredentialSourceAndWebIdentity() async throws {
        let directory = try TemporaryDirectory()
        let tokenFile = try directory.write("token", "jwt\n")
        let config = try directory.write(
            "config",
            """
            [profile from-env]
            role_arn = arn:aws:iam::123456789012:role/from-env
            credential_source = Environment
            region = us-east-2
            [profile from-web]
            role_arn = arn:aws:iam::123456789012:role/from-web
            web_identity_token_file = \(tokenFile)
            role_session_name = web
            [profile loop-a]
            role_arn = arn:aws:iam::123456789012:role/a
            source_profile = loop-b
            [profile loop-b]
            role_arn = arn:aws:iam::123456789012:role/b
            source_profile = loop-a
            [profile bad-source]
            role_arn = arn:aws:iam::123456789012:role/x
            credential_source = Nowhere
            """
        )
        let base = ["AWS_CONFIG_FILE": config, "HOME": "/nonexistent"]

        // With environment keys set the env provider wins before any profile, so a role profile whose
        // credential_source is Environment can only be reached without them: that is a clear error.
        let sts = RecordingSTS()
        let missingEnv = Self.chain(base.merging(["AWS_PROFILE": "from-env"]) { $1 }, sts: sts)
        #expect(missingEnv.source == "none")
        await #expect(throws: AWSError.self) { try await missingEnv.credentials() }

        let web = Self.chain(base.merging(["AWS_PROFILE": "from-web"]) { $1 }, sts: sts)
        #expect(web.source == "assume-role-with-web-identity")
        _ = try await web.credentials()
        #expect(sts.webIdentityCalls.last?.token == "jwt")
        #expect(sts.webIdentityCalls.last?.sessionName == "web")

        let loop = Self.chain(base.merging(["AWS_PROFILE": "loop-a"]) { $1 }, sts: sts)
        let loopError = await #expect(throws: AWSError.self) { try await loop.credentials() }
        #expect(loopError?.message.contains("loop") == true)

        let badSource = Self.chain(base.merging(["AWS_PROFILE": "bad-source"]) { $1 }, sts: sts)
        let sourceError = await #expect(throws: AWSError.self) { try await badSource.credentials() }
        #expect(sourceError?.message.contains("Nowhere") == true)
    }

    @Test func assumeRoleProviderUsesUpstreamSessionNameAndCaches() async throws {
        let sts = RecordingSTS()
        let clock = TestClock()
        let provider = AssumeRoleCredentialProvider(
            roleARN: "arn:aws:iam::123456789012:role/metrics",
            source: StaticCredentialProvider(AWSCredentials(accessKeyId: "AKIDSRC", secretAccessKey: "s")),
            region: "eu-west-1",
            sts: sts,
            clock: clock.function,
            logger: testLogger
        )
        _ = try await provider.credentials()
        _ = try await provider.credentials()
        #expect(sts.assumeRoleCalls.count == 1)
        let call = try #require(sts.assumeRoleCalls.first)
        #expect(call.sessionName == "cloudwatch_exporter")
        #expect(call.signingCredentials.accessKeyId == "AKIDSRC")
        #expect(call.region == "eu-west-1")
        #expect(call.externalId == nil)
        #expect(call.durationSeconds == nil)
    }
}
