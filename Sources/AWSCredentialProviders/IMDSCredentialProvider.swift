import AWSCore
import AWSSigV4
import FoundationEssentials

/// The instance profile's credentials from IMDSv2: the role name from
/// `/latest/meta-data/iam/security-credentials/`, then that role's credentials.
struct IMDSCredentialProvider: CredentialProvider {
    static let providerName = "InstanceMetadataCredentials"
    private static let credentialsPath = "/latest/meta-data/iam/security-credentials/"

    let client: IMDSClient

    func credentials(deadline: ContinuousClock.Instant?) async throws -> AWSCredentials {
        var token = try await client.token(provider: Self.providerName, deadline: deadline)
        let roles = try await client.get(
            Self.credentialsPath,
            token: &token,
            provider: Self.providerName,
            deadline: deadline
        )
        guard
            let role = roles.split(whereSeparator: \.isNewline).first.map({ $0.trimmingWhitespace() }),
            !role.isEmpty
        else {
            throw AWSError.credentials(
                service: "imds",
                provider: Self.providerName,
                code: "NoInstanceProfile",
                "the instance has no IAM role (instance profile) attached"
            )
        }
        let document = try await client.get(
            Self.credentialsPath + role,
            token: &token,
            provider: Self.providerName,
            deadline: deadline
        )
        return try TemporaryCredentialsDocument.decode(
            Array(document.utf8),
            service: "imds",
            provider: Self.providerName
        )
    }
}
