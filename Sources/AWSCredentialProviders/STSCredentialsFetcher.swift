public import AWSCore
public import AWSSigV4

/// The two STS calls the credential providers need. ``STSClient`` implements them against STS; tests substitute
/// their own.
public protocol STSCredentialsFetcher: Sendable {
    /// Calls `AssumeRole`, signed with the credentials of `using`, against STS in `region`.
    /// - Parameters:
    ///   - roleARN: The role to assume.
    ///   - sessionName: The role session name (2-64 characters of `[\w+=,.@-]`).
    ///   - externalId: The external id the role's trust policy requires, if any.
    ///   - durationSeconds: The session length; STS defaults to 3600.
    ///   - using: The provider of the credentials that sign the call.
    ///   - region: The STS region.
    ///   - deadline: No attempt, backoff or signing-credentials wait goes past it.
    /// - Returns: The temporary credentials, with their expiration.
    func assumeRole(
        roleARN: String,
        sessionName: String,
        externalId: String?,
        durationSeconds: Int?,
        using: any CredentialProvider,
        region: String,
        deadline: ContinuousClock.Instant?
    ) async throws -> AWSCredentials

    /// Calls `AssumeRoleWithWebIdentity`. The request is not signed: the web identity token authenticates it.
    /// - Parameters:
    ///   - roleARN: The role to assume.
    ///   - sessionName: The role session name.
    ///   - webIdentityToken: The OIDC token (a JWT), already trimmed.
    ///   - region: The STS region.
    ///   - deadline: No attempt or backoff goes past it.
    /// - Returns: The temporary credentials, with their expiration.
    func assumeRoleWithWebIdentity(
        roleARN: String,
        sessionName: String,
        webIdentityToken: String,
        region: String,
        deadline: ContinuousClock.Instant?
    ) async throws -> AWSCredentials
}
