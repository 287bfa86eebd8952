import FoundationEssentials

/// The shared config and credentials files, and the profile the environment selects.
///
/// Paths come from `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/config` and
/// `~/.aws/credentials` under the injected `HOME`. The profile is `AWS_PROFILE`, else `AWS_DEFAULT_PROFILE`, else
/// `default`.
struct SharedConfiguration: Sendable {
    /// A profile's settings, with where each came from.
    struct Profile: Sendable {
        /// The profile name.
        var name: String
        /// Settings from the credentials file; they win over the config file.
        var credentialsFile: [String: String]
        /// Settings from the config file.
        var configFile: [String: String]

        /// The value of `key`, credentials file first.
        subscript(key: String) -> String? { credentialsFile[key] ?? configFile[key] }
    }

    /// The selected profile name.
    let selectedProfile: String
    /// Whether the environment named the profile (then a missing profile is an error).
    let profileWasNamed: Bool
    /// The config file path, for messages.
    let configPath: String?
    /// The credentials file path, for messages.
    let credentialsPath: String?
    private let config: ProfileFile
    private let credentials: ProfileFile

    /// Loads the files the environment points at.
    init(environment: [String: String]) {
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 }
        func path(_ variable: String, default file: String) -> String? {
            if let explicit = environment[variable], !explicit.isEmpty { return Self.expandTilde(explicit, home: home) }
            return home.map { "\($0)/.aws/\(file)" }
        }
        configPath = path("AWS_CONFIG_FILE", default: "config")
        credentialsPath = path("AWS_SHARED_CREDENTIALS_FILE", default: "credentials")
        config = configPath.map { ProfileFile(path: $0, kind: .config) } ?? ProfileFile(text: "", kind: .config)
        credentials =
            credentialsPath.map { ProfileFile(path: $0, kind: .credentials) }
            ?? ProfileFile(text: "", kind: .credentials)
        if let named = environment["AWS_PROFILE"] ?? environment["AWS_DEFAULT_PROFILE"], !named.isEmpty {
            selectedProfile = named
            profileWasNamed = true
        } else {
            selectedProfile = "default"
            profileWasNamed = false
        }
    }

    /// The profile called `name`, or nil when neither file has it.
    func profile(_ name: String) -> Profile? {
        let fromCredentials = credentials.profiles[name]
        let fromConfig = config.profiles[name]
        guard fromCredentials != nil || fromConfig != nil else { return nil }
        return Profile(name: name, credentialsFile: fromCredentials ?? [:], configFile: fromConfig ?? [:])
    }

    /// The `region` of the selected profile.
    var selectedRegion: String? { profile(selectedProfile)?["region"] }

    /// "~/.aws/config and ~/.aws/credentials", for error messages.
    var filesDescription: String {
        [configPath, credentialsPath].compactMap { $0 }.joined(separator: " and ")
    }

    private static func expandTilde(_ path: String, home: String?) -> String {
        guard path.hasPrefix("~/"), let home else { return path }
        return home + path.dropFirst()
    }
}
