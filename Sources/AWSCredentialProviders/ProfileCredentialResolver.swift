import AWSCore
import AWSSigV4
import FoundationEssentials
import Logging

/// Turns a profile of the shared files into a credential provider: `role_arn` with `source_profile`,
/// `credential_source` or `web_identity_token_file`, or static keys.
struct ProfileCredentialResolver {
    let configuration: SharedConfiguration
    let environment: [String: String]
    let transport: any HTTPTransport
    let sts: any STSCredentialsFetcher
    let stsRegion: String
    let clock: @Sendable () -> Date
    let logger: Logger

    /// The provider for `name`, with the SDK's name for it; nil when the profile exists but holds no
    /// credentials (or, when nobody named a profile, does not exist).
    func provider(
        for name: String,
        visited: [String] = []
    ) throws(AWSError) -> (source: String, provider: any CredentialProvider)? {
        guard let profile = configuration.profile(name) else {
            if visited.isEmpty, !configuration.profileWasNamed { return nil }
            throw profileError(
                "ProfileNotFound",
                visited.isEmpty
                    ? "the profile '\(name)' (from AWS_PROFILE) is not in \(configuration.filesDescription)"
                    : "source_profile '\(name)' of profile '\(visited.last ?? "")' is not in "
                        + configuration.filesDescription
            )
        }
        if let roleARN = profile["role_arn"] {
            return try assumeRole(profile, roleARN: roleARN, visited: visited)
        }
        if let staticKeys = try staticCredentials(profile) { return staticKeys }
        for unsupported in ["credential_process", "sso_session", "sso_start_url"] where profile[unsupported] != nil {
            throw profileError(
                "UnsupportedProfile",
                "profile '\(name)' uses \(unsupported), which this exporter does not support; use static keys, "
                    + "role_arn, web identity, or the container or instance role"
            )
        }
        return nil
    }

    private func assumeRole(
        _ profile: SharedConfiguration.Profile,
        roleARN: String,
        visited: [String]
    ) throws(AWSError) -> (source: String, provider: any CredentialProvider) {
        let sessionName = profile["role_session_name"]
        let source: any CredentialProvider
        if let sourceName = profile["source_profile"] {
            if sourceName == profile.name {
                // A profile naming itself as the source signs with its own static keys (botocore does the same).
                guard let keys = try staticCredentials(profile) else {
                    throw profileError(
                        "InvalidProfile",
                        "profile '\(profile.name)' is its own source_profile but has no keys"
                    )
                }
                source = keys.provider
            } else {
                let path = visited + [profile.name]
                guard !path.contains(sourceName) else {
                    throw profileError(
                        "InvalidProfile",
                        "source_profile loop: \((path + [sourceName]).joined(separator: " -> "))"
                    )
                }
                guard let resolved = try provider(for: sourceName, visited: path) else {
                    throw profileError(
                        "InvalidProfile",
                        "source_profile '\(sourceName)' of profile '\(profile.name)' has no credentials"
                    )
                }
                source = resolved.provider
            }
        } else if let credentialSource = profile["credential_source"] {
            source = try namedSource(credentialSource, profile: profile.name)
        } else if let tokenFile = profile["web_identity_token_file"] {
            let provider = WebIdentityCredentialProvider(
                tokenFile: tokenFile,
                roleARN: roleARN,
                sessionName: sessionName,
                region: stsRegion,
                sts: sts,
                clock: clock
            )
            return (
                "assume-role-with-web-identity",
                CachingCredentialProvider(provider, name: "web identity \(roleARN)", clock: clock, logger: logger)
            )
        } else {
            throw profileError(
                "InvalidProfile",
                "profile '\(profile.name)' has role_arn but no source_profile, credential_source or "
                    + "web_identity_token_file"
            )
        }
        let duration: Int?
        if let text = profile["duration_seconds"] {
            guard let seconds = Int(text), seconds > 0 else {
                throw profileError("InvalidProfile", "duration_seconds of profile '\(profile.name)' is not a number")
            }
            duration = seconds
        } else {
            duration = nil
        }
        let provider = AssumeRoleCredentialProvider(
            roleARN: roleARN,
            sessionName: sessionName ?? WebIdentityCredentialProvider.generatedSessionName(clock()),
            externalId: profile["external_id"],
            durationSeconds: duration,
            source: source,
            region: stsRegion,
            sts: sts,
            clock: clock,
            logger: logger
        )
        return ("assume-role", provider)
    }

    private func namedSource(_ name: String, profile: String) throws(AWSError) -> any CredentialProvider {
        switch name {
        case "Environment":
            guard let provider = try EnvironmentCredentialProvider(environment: environment) else {
                throw profileError(
                    "InvalidProfile",
                    "profile '\(profile)' has credential_source = Environment but AWS_ACCESS_KEY_ID is not set"
                )
            }
            return provider
        case "Ec2InstanceMetadata":
            guard let client = IMDSClient(environment: environment, transport: transport) else {
                throw profileError(
                    "InvalidProfile",
                    "profile '\(profile)' has credential_source = Ec2InstanceMetadata but "
                        + "AWS_EC2_METADATA_DISABLED is set"
                )
            }
            return CachingCredentialProvider(
                IMDSCredentialProvider(client: client),
                name: "iam-role",
                clock: clock,
                logger: logger
            )
        case "EcsContainer":
            guard let provider = try ContainerCredentialProvider(environment: environment, transport: transport) else {
                throw profileError(
                    "InvalidProfile",
                    "profile '\(profile)' has credential_source = EcsContainer but no container credentials URI is set"
                )
            }
            return CachingCredentialProvider(provider, name: "container-role", clock: clock, logger: logger)
        default:
            throw profileError(
                "InvalidProfile",
                "profile '\(profile)' has credential_source = \(name); expected Environment, Ec2InstanceMetadata "
                    + "or EcsContainer"
            )
        }
    }

    private func staticCredentials(
        _ profile: SharedConfiguration.Profile
    ) throws(AWSError) -> (source: String, provider: any CredentialProvider)? {
        let keyId = profile["aws_access_key_id"]
        let secret = profile["aws_secret_access_key"]
        switch (keyId, secret) {
        case (nil, nil):
            return nil
        case (let keyId?, let secret?):
            let credentials = AWSCredentials(
                accessKeyId: keyId,
                secretAccessKey: secret,
                sessionToken: profile["aws_session_token"]
            )
            let source = profile.credentialsFile["aws_access_key_id"] != nil ? "shared-credentials-file" : "config-file"
            return (source, StaticCredentialProvider(credentials))
        default:
            throw profileError(
                "PartialCredentials",
                "profile '\(profile.name)' has only one of aws_access_key_id and aws_secret_access_key"
            )
        }
    }

    private func profileError(_ code: String, _ message: String) -> AWSError {
        .credentials(provider: "SharedConfigCredentials", code: code, message)
    }
}
