public import AWSCore
public import AWSSigV4
public import FoundationEssentials
public import Logging

/// Credentials of an assumed IAM role: `AssumeRole` signed with another provider's credentials, cached until
/// shortly before they expire (see ``CachingCredentialProvider``).
///
/// Used for the exporter's `role_arn` setting (session name `cloudwatch_exporter`, as upstream) and for
/// profiles with `role_arn` and `source_profile` or `credential_source`.
public struct AssumeRoleCredentialProvider: CredentialProvider {
    /// The session name cloudwatch_exporter uses for its `role_arn` setting.
    public static let defaultSessionName = "cloudwatch_exporter"

    private let cache: CachingCredentialProvider

    /// Creates the provider.
    /// - Parameters:
    ///   - roleARN: The role to assume.
    ///   - sessionName: The role session name.
    ///   - externalId: The external id the role's trust policy requires, if any.
    ///   - durationSeconds: The session length; nil lets STS choose (one hour).
    ///   - source: The credentials that sign the `AssumeRole` call.
    ///   - region: The STS region.
    ///   - sts: Makes the STS call.
    ///   - clock: The current time; injected for tests.
    ///   - logger: Receives refresh warnings.
    public init(
        roleARN: String,
        sessionName: String = AssumeRoleCredentialProvider.defaultSessionName,
        externalId: String? = nil,
        durationSeconds: Int? = nil,
        source: any CredentialProvider,
        region: String,
        sts: any STSCredentialsFetcher,
        clock: @escaping @Sendable () -> Date = Date.init,
        logger: Logger
    ) {
        let call = AssumeRoleCall(
            roleARN: roleARN,
            sessionName: sessionName,
            externalId: externalId,
            durationSeconds: durationSeconds,
            source: source,
            region: region,
            sts: sts
        )
        self.cache = CachingCredentialProvider(call, name: "assume-role \(roleARN)", clock: clock, logger: logger)
    }

    /// Returns the role's credentials, calling STS when there are none yet or they are due for refresh, and waiting
    /// for that call only until `deadline`.
    public func credentials(deadline: ContinuousClock.Instant?) async throws -> AWSCredentials {
        try await cache.credentials(deadline: deadline)
    }
}

/// One uncached `AssumeRole` call.
private struct AssumeRoleCall: CredentialProvider {
    let roleARN: String
    let sessionName: String
    let externalId: String?
    let durationSeconds: Int?
    let source: any CredentialProvider
    let region: String
    let sts: any STSCredentialsFetcher

    func credentials(deadline: ContinuousClock.Instant?) async throws -> AWSCredentials {
        try await sts.assumeRole(
            roleARN: roleARN,
            sessionName: sessionName,
            externalId: externalId,
            durationSeconds: durationSeconds,
            using: source,
            region: region,
            deadline: deadline
        )
    }
}
