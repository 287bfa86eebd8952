public import AWSCore
public import AWSSigV4
public import FoundationEssentials
public import Logging

/// The default credential chain, in the order of the AWS SDKs:
///
/// 1. environment keys (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`);
/// 2. web identity (`AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN`, as EKS IRSA sets);
/// 3. the profile of the shared files (`AWS_PROFILE`): `role_arn`, `web_identity_token_file` or static keys;
/// 4. the ECS / EKS Pod Identity container endpoint;
/// 5. the EC2 instance role, through IMDSv2 only.
///
/// The provider is chosen once, from the environment and the files, when the chain is built; temporary
/// credentials are then cached and refreshed by that provider. A misconfiguration found while choosing (a key
/// without its secret, a missing named profile) is thrown by ``credentials(deadline:)``, so it reaches the caller with
/// the provider that failed and why.
public struct CredentialChain: CredentialProvider {
    /// The chosen provider, named as botocore names it: `env`, `assume-role-with-web-identity`, `assume-role`,
    /// `shared-credentials-file`, `config-file`, `container-role`, `iam-role`; or `none` when nothing applies.
    public let source: String
    private let provider: any CredentialProvider

    private init(source: String, provider: any CredentialProvider) {
        self.source = source
        self.provider = provider
    }

    /// Builds the default chain.
    /// - Parameters:
    ///   - environment: The process environment (also supplies `HOME` for `~/.aws`).
    ///   - transport: Sends the container and IMDS requests.
    ///   - sts: Makes the STS calls of the web identity and assume-role providers.
    ///   - clock: The current time; injected for tests.
    ///   - logger: Receives refresh warnings.
    /// - Returns: The chain; it performs no network request until ``credentials(deadline:)`` is called.
    public static func standard(
        environment: [String: String],
        transport: any HTTPTransport,
        sts: any STSCredentialsFetcher,
        clock: @escaping @Sendable () -> Date = Date.init,
        logger: Logger
    ) -> CredentialChain {
        do {
            return try choose(environment: environment, transport: transport, sts: sts, clock: clock, logger: logger)
        } catch {
            return CredentialChain(source: "none", provider: FailingCredentialProvider(error: error))
        }
    }

    /// Returns the chosen provider's credentials, waiting for a refresh only until `deadline`.
    public func credentials(deadline: ContinuousClock.Instant?) async throws -> AWSCredentials {
        try await provider.credentials(deadline: deadline)
    }

    private static func choose(
        environment: [String: String],
        transport: any HTTPTransport,
        sts: any STSCredentialsFetcher,
        clock: @escaping @Sendable () -> Date,
        logger: Logger
    ) throws(AWSError) -> CredentialChain {
        if let provider = try EnvironmentCredentialProvider(environment: environment) {
            return CredentialChain(source: "env", provider: provider)
        }
        let configuration = SharedConfiguration(environment: environment)
        let stsRegion =
            RegionResolver.localRegion(environment: environment, configuration: configuration) ?? "us-east-1"
        if let provider = try WebIdentityCredentialProvider(
            environment: environment,
            region: stsRegion,
            sts: sts,
            clock: clock
        ) {
            let cached = CachingCredentialProvider(provider, name: "web identity", clock: clock, logger: logger)
            return CredentialChain(source: "assume-role-with-web-identity", provider: cached)
        }
        let profiles = ProfileCredentialResolver(
            configuration: configuration,
            environment: environment,
            transport: transport,
            sts: sts,
            stsRegion: stsRegion,
            clock: clock,
            logger: logger
        )
        if let (source, provider) = try profiles.provider(for: configuration.selectedProfile) {
            return CredentialChain(source: source, provider: provider)
        }
        if let provider = try ContainerCredentialProvider(environment: environment, transport: transport) {
            let cached = CachingCredentialProvider(provider, name: "container-role", clock: clock, logger: logger)
            return CredentialChain(source: "container-role", provider: cached)
        }
        if let client = IMDSClient(environment: environment, transport: transport) {
            let cached = CachingCredentialProvider(
                IMDSCredentialProvider(client: client),
                name: "iam-role",
                clock: clock,
                logger: logger
            )
            // IMDS is the last resort, reached also by mistake (e.g. a typo in AWS_PROFILE's files), so its
            // errors say what was tried before it.
            let explained = ExplainingCredentialProvider(
                base: cached,
                prefix: "no credentials in the environment, in profile '\(configuration.selectedProfile)' of "
                    + "\(configuration.filesDescription) or from a container endpoint, and the EC2 instance role "
                    + "failed: "
            )
            return CredentialChain(source: "iam-role", provider: explained)
        }
        throw .credentials(
            provider: "CredentialChain",
            code: "NoCredentials",
            "no AWS credentials found: AWS_ACCESS_KEY_ID is not set, AWS_WEB_IDENTITY_TOKEN_FILE is not set, profile "
                + "'\(configuration.selectedProfile)' has no credentials in \(configuration.filesDescription), no "
                + "container credentials URI is set, and AWS_EC2_METADATA_DISABLED turns off the instance role"
        )
    }
}

/// Prefixes the messages of another provider's errors.
private struct ExplainingCredentialProvider: CredentialProvider {
    let base: any CredentialProvider
    let prefix: String

    func credentials(deadline: ContinuousClock.Instant?) async throws -> AWSCredentials {
        do {
            return try await base.credentials(deadline: deadline)
        } catch var error as AWSError where !error.isAbandoned {
            error.message = prefix + error.message
            throw error
        }
    }
}

/// Throws the configuration error the chain found while choosing a provider.
private struct FailingCredentialProvider: CredentialProvider {
    let error: AWSError

    func credentials(deadline: ContinuousClock.Instant?) async throws -> AWSCredentials { throw error }
}
