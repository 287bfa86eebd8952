import AWSCore
import AWSServices
import AWSSigV4
import Foundation
import Logging

/// Clients wired to a moto_server through the SDK-style `AWS_ENDPOINT_URL` override, signing with fake keys.
struct MotoClients {
    static let region = "us-east-1"

    let environment: [String: String]
    let transport: AsyncHTTPClientTransport

    init(moto: MotoServer, transport: AsyncHTTPClientTransport) {
        self.environment = [
            "AWS_ENDPOINT_URL": moto.endpoint,
            "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
            "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            "AWS_REGION": Self.region,
        ]
        self.transport = transport
    }

    func caller(_ service: AWSServiceDescriptor) throws -> AWSServiceCaller {
        AWSServiceCaller(
            service: service,
            region: Self.region,
            endpoint: try AWSEndpointResolver(environment: environment).resolve(service, region: Self.region),
            credentials: StaticCredentialProvider(
                AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
            ),
            transport: transport,
            retry: RetryPolicy(maxAttempts: 2),
            requestTimeout: .seconds(20),
            logger: Logger(label: "it")
        )
    }

    /// Test-only EC2 (moto needs a VPC and subnets before it creates ALBs and NLBs).
    static let ec2 = AWSServiceDescriptor(
        name: "ec2",
        endpointPrefix: "ec2",
        signingName: "ec2",
        endpointEnvironmentSuffix: "EC2",
        apiVersion: "2016-11-15"
    )
}

/// Runs `body` with a fresh pooled transport and shuts it down afterwards, also when `body` throws.
func withTransport<T>(_ body: (AsyncHTTPClientTransport) async throws -> T) async throws -> T {
    let transport = AsyncHTTPClientTransport(connectTimeout: .seconds(5))
    do {
        let result = try await body(transport)
        try await transport.shutdown()
        return result
    } catch {
        try? await transport.shutdown()
        throw error
    }
}

/// Starts moto (or uses MOTO_ENDPOINT), runs `body`, stops moto.
func withMoto<T>(_ body: (MotoClients) async throws -> T) async throws -> T {
    let moto = try await MotoServer.start()
    defer { moto.stop() }
    return try await withTransport { transport in try await body(MotoClients(moto: moto, transport: transport)) }
}
