import AWSCore
import AWSSigV4
import AWSTestSupport
import Foundation
import NIOCore
import NIOPosix
import Testing

@testable import AWSCredentialProviders

/// AssumeRole and AssumeRoleWithWebIdentity through the real ``STSClient``, and the chain's assume-role and
/// IMDSv2 flows, against moto_server on loopback.
///
/// Uses `MOTO_ENDPOINT` when set; otherwise starts `moto_server` from `PATH` on a free port. A missing
/// moto_server fails the test: it is part of the test toolchain.
@Suite(.serialized, .heavy) struct MotoCredentialTests {
    /// A moto_server this test started (stopped at the end), or an existing endpoint.
    final class Moto {
        let endpoint: String
        private let process: Process?

        init() async throws {
            if let existing = ProcessInfo.processInfo.environment["MOTO_ENDPOINT"], !existing.isEmpty {
                endpoint = existing
                process = nil
                return
            }
            let executable = try #require(
                Self.findOnPath("moto_server"),
                "moto_server is not on PATH; install moto (pip install 'moto[server]') to run this test"
            )
            let port = try await Self.freePort()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = ["-H", "127.0.0.1", "-p", "\(port)"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            self.process = process
            endpoint = "http://127.0.0.1:\(port)"
            try await waitUntilListening(port: port)
        }

        /// Kills the server. SIGKILL, because the child inherits the test process's blocked signal mask (the
        /// concurrency runtime's threads block them), so SIGTERM would stay pending forever.
        func stop() {
            guard let process, process.isRunning else { return }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        /// How long moto_server may take to listen: importing moto alone takes 20 s on a busy 2-core machine.
        static let startTimeout: Duration = .seconds(120)

        private func waitUntilListening(port: Int) async throws {
            let deadline = ContinuousClock.now.advanced(by: Self.startTimeout)
            while ContinuousClock.now < deadline {
                if let bootstrap = try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .connect(host: "127.0.0.1", port: port).get()
                {
                    try await bootstrap.close()
                    return
                }
                if let process, !process.isRunning {
                    Issue.record("moto_server exited at start (status \(process.terminationStatus))")
                    throw CancellationError()
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            stop()
            Issue.record("moto_server did not start listening on port \(port) within \(Self.startTimeout)")
            throw CancellationError()
        }

        private static func findOnPath(_ name: String) -> String? {
            let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
            for directory in path.split(separator: ":") {
                let candidate = "\(directory)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
            return nil
        }

        private static func freePort() async throws -> Int {
            let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .bind(host: "127.0.0.1", port: 0).get()
            let port = channel.localAddress?.port ?? 0
            try await channel.close()
            return port
        }
    }

    @Test func stsAndInstanceMetadataAgainstMoto() async throws {
        let moto = try await Moto()
        let transport = AsyncHTTPClientTransport(connectTimeout: .seconds(2))
        let outcome: Result<Void, any Error>
        do {
            let sts = STSClient(
                transport: transport,
                environment: ["AWS_ENDPOINT_URL_STS": moto.endpoint],
                logger: testLogger
            )
            let start = Date()
            let assumed = try await sts.assumeRole(
                roleARN: "arn:aws:iam::123456789012:role/metrics-reader",
                sessionName: AssumeRoleCredentialProvider.defaultSessionName,
                externalId: "ext-123",
                durationSeconds: 900,
                using: StaticCredentialProvider(AWSCredentials(accessKeyId: "AKIDMOTO", secretAccessKey: "s")),
                region: "eu-west-1",
                deadline: nil
            )
            #expect(assumed.accessKeyId.hasPrefix("ASIA"))
            #expect(!assumed.secretAccessKey.isEmpty)
            #expect(assumed.sessionToken?.isEmpty == false)
            let lifetime = try #require(assumed.expiration).timeIntervalSince(start)
            #expect(lifetime > 800 && lifetime < 1000)

            let webIdentity = try await sts.assumeRoleWithWebIdentity(
                roleARN: "arn:aws:iam::123456789012:role/irsa",
                sessionName: "cloudwatch-tag-exporter-1700000000",
                webIdentityToken: "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln",
                region: "us-west-2",
                deadline: nil
            )
            #expect(webIdentity.accessKeyId.hasPrefix("ASIA"))
            #expect(webIdentity.expiration != nil)

            try await profileRoleThroughTheChain(moto: moto, transport: transport)
            try await instanceRoleThroughTheChain(moto: moto, transport: transport)
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        try? await transport.shutdown()
        moto.stop()
        try outcome.get()
    }

    /// `AWS_PROFILE=reader` (role_arn + source_profile) resolved by the chain, with moto as STS.
    private func profileRoleThroughTheChain(moto: Moto, transport: AsyncHTTPClientTransport) async throws {
        let environment = [
            "AWS_PROFILE": "reader", "HOME": "/nonexistent", "AWS_ENDPOINT_URL_STS": moto.endpoint,
            "AWS_CONFIG_FILE": try Fixtures.path("aws-credentials/files/config"),
            "AWS_SHARED_CREDENTIALS_FILE": try Fixtures.path("aws-credentials/files/credentials"),
        ]
        let chain = CredentialChain.standard(
            environment: environment,
            transport: transport,
            sts: STSClient(transport: transport, environment: environment, logger: testLogger),
            logger: testLogger
        )
        #expect(chain.source == "assume-role")
        let credentials = try await chain.credentials()
        #expect(credentials.accessKeyId.hasPrefix("ASIA"))
        #expect(credentials.accessKeyId != "AKIDDEV")
    }

    /// moto also emulates IMDSv2 (token, role list, role credentials, placement region).
    private func instanceRoleThroughTheChain(moto: Moto, transport: AsyncHTTPClientTransport) async throws {
        let environment = ["HOME": "/nonexistent", "AWS_EC2_METADATA_SERVICE_ENDPOINT": moto.endpoint]
        let chain = CredentialChain.standard(
            environment: environment,
            transport: transport,
            sts: STSClient(transport: transport, environment: environment, logger: testLogger),
            logger: testLogger
        )
        #expect(chain.source == "iam-role")
        let credentials = try await chain.credentials()
        #expect(credentials.accessKeyId == "test-key")
        #expect(credentials.sessionToken == "test-session-token")
        let region = try await RegionResolver.resolve(
            explicit: nil,
            environment: environment,
            transport: transport,
            logger: testLogger
        )
        #expect(region == "us-east-1")
    }
}
