public import AWSServices
public import ConfigFile
public import ResourceTags

/// What one target (a region and a credential source) brings to a scrape: its AWS APIs, its load balancer tag
/// cache and its account id.
public struct TargetServices: Sendable {
    /// The target.
    public let target: AWSTarget
    /// The region its client resolved (the `region` label).
    public let region: String
    /// The AWS APIs, signed for this region and credential source.
    public let apis: AWSAPIs
    /// The load balancers and tags of this region and account.
    public let tagCache: LoadBalancerTagCache
    /// The account id of the credentials (the `account_id` label): known from a role ARN or looked up once; asked
    /// only when the plan labels accounts.
    public let account: AccountLookup

    /// Bundles a target's services.
    public init(
        target: AWSTarget,
        region: String,
        apis: AWSAPIs,
        tagCache: LoadBalancerTagCache,
        account: AccountLookup = AccountLookup(known: "")
    ) {
        self.target = target
        self.region = region
        self.apis = apis
        self.tagCache = tagCache
        self.account = account
    }
}
