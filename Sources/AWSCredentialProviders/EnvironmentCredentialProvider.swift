import AWSCore
import AWSSigV4

/// Static credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` (or the legacy
/// `AWS_SECURITY_TOKEN`).
struct EnvironmentCredentialProvider: CredentialProvider {
    private let value: AWSCredentials

    /// Reads the variables. Returns nil when neither key variable is set.
    /// - Throws: `PartialCredentials` when only one of the key id and the secret is set.
    init?(environment: [String: String]) throws(AWSError) {
        let keyId = environment["AWS_ACCESS_KEY_ID"].flatMap { $0.isEmpty ? nil : $0 }
        let secret = environment["AWS_SECRET_ACCESS_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        switch (keyId, secret) {
        case (nil, nil):
            return nil
        case (let keyId?, let secret?):
            let token = [environment["AWS_SESSION_TOKEN"], environment["AWS_SECURITY_TOKEN"]]
                .compactMap { $0 }.first { !$0.isEmpty }
            value = AWSCredentials(accessKeyId: keyId, secretAccessKey: secret, sessionToken: token)
        case (.some, nil):
            throw .credentials(
                provider: "EnvironmentCredentials",
                code: "PartialCredentials",
                "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"
            )
        case (nil, .some):
            throw .credentials(
                provider: "EnvironmentCredentials",
                code: "PartialCredentials",
                "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not"
            )
        }
    }

    func credentials(deadline: ContinuousClock.Instant?) async throws -> AWSCredentials { value }
}
