import AWSCore
import AWSSigV4
import FoundationEssentials

/// Credentials from `AssumeRoleWithWebIdentity` with the OIDC token in a file, as EKS IRSA sets up
/// (`AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN`, `AWS_ROLE_SESSION_NAME`) or a profile's
/// `web_identity_token_file`.
///
/// The file is read on every fetch because the kubelet rotates the token, and it is trimmed: a token file
/// written by hand often ends in a newline, which STS would reject as part of the JWT.
struct WebIdentityCredentialProvider: CredentialProvider {
    let tokenFile: String
    let roleARN: String
    /// The session name; nil means a generated `cloudwatch-tag-exporter-<unix seconds>`.
    let sessionName: String?
    let region: String
    let sts: any STSCredentialsFetcher
    let clock: @Sendable () -> Date

    /// The settings from the environment, or nil when `AWS_WEB_IDENTITY_TOKEN_FILE` is not set.
    /// - Throws: When the token file is set without `AWS_ROLE_ARN`.
    init?(
        environment: [String: String],
        region: String,
        sts: any STSCredentialsFetcher,
        clock: @escaping @Sendable () -> Date
    ) throws(AWSError) {
        guard let tokenFile = environment["AWS_WEB_IDENTITY_TOKEN_FILE"], !tokenFile.isEmpty else { return nil }
        guard let roleARN = environment["AWS_ROLE_ARN"], !roleARN.isEmpty else {
            throw .credentials(
                provider: "WebIdentityCredentials",
                code: "InvalidConfiguration",
                "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not"
            )
        }
        let sessionName = environment["AWS_ROLE_SESSION_NAME"].flatMap { $0.isEmpty ? nil : $0 }
        self.init(
            tokenFile: tokenFile,
            roleARN: roleARN,
            sessionName: sessionName,
            region: region,
            sts: sts,
            clock: clock
        )
    }

    /// Creates the provider from explicit settings.
    init(
        tokenFile: String,
        roleARN: String,
        sessionName: String?,
        region: String,
        sts: any STSCredentialsFetcher,
        clock: @escaping @Sendable () -> Date
    ) {
        self.tokenFile = tokenFile
        self.roleARN = roleARN
        self.sessionName = sessionName
        self.region = region
        self.sts = sts
        self.clock = clock
    }

    func credentials(deadline: ContinuousClock.Instant?) async throws -> AWSCredentials {
        let token: String
        do {
            token = try String(contentsOfFile: tokenFile, encoding: .utf8).trimmingWhitespace(newlines: true)
        } catch {
            throw AWSError.credentials(
                provider: "WebIdentityCredentials",
                code: "TokenFileUnreadable",
                "cannot read the web identity token file \(tokenFile)"
            )
        }
        guard !token.isEmpty else {
            throw AWSError.credentials(
                provider: "WebIdentityCredentials",
                code: "TokenFileEmpty",
                "the web identity token file \(tokenFile) is empty"
            )
        }
        return try await sts.assumeRoleWithWebIdentity(
            roleARN: roleARN,
            sessionName: sessionName ?? Self.generatedSessionName(clock()),
            webIdentityToken: token,
            region: region,
            deadline: deadline
        )
    }

    /// EKS does not set `AWS_ROLE_SESSION_NAME`, so like the SDKs we name the session after the time.
    static func generatedSessionName(_ date: Date) -> String {
        "cloudwatch-tag-exporter-\(Int64(date.timeIntervalSince1970))"
    }
}
