/// Where a rule's AWS calls go: one region and one credential source (the default credential chain, or a role
/// assumed through it). The exporter keeps an AWS client, a tag cache and a concurrency bound per target.
public struct AWSTarget: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The region; `nil` resolves it from the environment, the profile or instance metadata.
    public var region: String?
    /// The role to assume; `nil` uses the default credential chain.
    public var roleARN: String?

    /// Creates a target.
    public init(region: String? = nil, roleARN: String? = nil) {
        self.region = region
        self.roleARN = roleARN
    }

    /// The account of `roleARN`, known without a call; `nil` for the default credentials.
    public var accountFromRole: String? { roleARN.flatMap(AWSPartition.RoleARN.init)?.accountID }

    public static func < (lhs: AWSTarget, rhs: AWSTarget) -> Bool {
        (lhs.region ?? "", lhs.roleARN ?? "") < (rhs.region ?? "", rhs.roleARN ?? "")
    }

    public var description: String {
        "\(region ?? "(default region)") as \(roleARN ?? "(default credentials)")"
    }
}
