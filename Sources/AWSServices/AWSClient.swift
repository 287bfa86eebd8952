public import AWSCore
import AWSCredentialProviders
public import Logging

/// The exporter's AWS access: one region, one credential chain, and a client per service, all sharing one
/// transport, retry policy and observer.
public final class AWSClient: Sendable {
    /// The resolved region.
    public let region: String
    /// CloudWatch (JSON 1.0).
    public let cloudWatch: CloudWatchClient
    /// Classic load balancers.
    public let elb: ELBClient
    /// Application, network and gateway load balancers.
    public let elbv2: ELBv2Client
    /// The Resource Groups Tagging API.
    public let tagging: TaggingClient
    /// The kind of credential source, as botocore names it (`env`, `assume-role-with-web-identity`, `iam-role`,
    /// ...), with `assume-role from ` in front when `role_arn` is set; never a key or token.
    public let credentialSource: String
    /// The account id of the credentials: the account of `role_arn`, or STS `GetCallerIdentity` (asked once).
    public let account: AccountLookup

    /// Creates a facade from ready clients, for tests.
    ///
    /// Production code uses ``make(settings:environment:transport:observer:credentialSources:logger:)``.
    public init(
        region: String,
        cloudWatch: CloudWatchClient,
        elb: ELBClient,
        elbv2: ELBv2Client,
        tagging: TaggingClient,
        credentialSource: String = "unknown",
        accountLookup: AccountLookup = AccountLookup(known: nil)
    ) {
        self.region = region
        self.cloudWatch = cloudWatch
        self.elb = elb
        self.elbv2 = elbv2
        self.tagging = tagging
        self.credentialSource = credentialSource
        self.account = accountLookup
    }

    /// The account id the credentials belong to: the account of `role_arn`, or STS `GetCallerIdentity` (called once,
    /// cached; a failure is retried at the next call), waited for until `deadline`.
    public func accountID(deadline: ContinuousClock.Instant?) async throws -> String {
        try await account.accountID(deadline: deadline)
    }

    /// Resolves the region and the credentials and builds the service clients.
    ///
    /// Credentials come from the standard chain (environment, web identity, profile, container, IMDSv2); with
    /// `settings.roleARN` that chain signs an STS `AssumeRole` (session `cloudwatch_exporter`) whose credentials
    /// are cached and refreshed before they expire. No credentials are fetched here: the first AWS call does it.
    /// - Parameters:
    ///   - settings: Region, role, retries and timeouts.
    ///   - environment: The process environment (credentials, region, endpoint overrides, FIPS).
    ///   - transport: Sends every request (AWS APIs, STS, IMDS, container endpoint).
    ///   - observer: Receives every attempt, retry and failure.
    ///   - credentialSources: Shared by the clients of one runtime, so each role is assumed once for all regions.
    ///   - logger: Debug logs per call; never credentials.
    /// - Throws: ``AWSError`` of kind `.configuration` when no region can be found or an endpoint override is
    ///   invalid.
    public static func make(
        settings: AWSClientSettings,
        environment: [String: String],
        transport: any HTTPTransport,
        observer: any AWSCallObserver,
        credentialSources: CredentialSources? = nil,
        logger: Logger
    ) async throws -> AWSClient {
        let region = try await RegionResolver.resolve(
            explicit: settings.region,
            environment: environment,
            transport: transport,
            logger: logger
        )
        let sts = STSClient(
            transport: transport,
            environment: environment,
            retry: settings.retry,
            requestTimeout: settings.requestTimeout,
            observer: observer,
            logger: logger
        )
        let sources = credentialSources ?? CredentialSources()
        let base = sources.provider(roleARN: nil) {
            let chain = CredentialChain.standard(
                environment: environment,
                transport: transport,
                sts: sts,
                logger: logger
            )
            let account = AccountLookup(
                known: nil,
                lookUp: { deadline in
                    try await sts.callerAccount(using: chain, region: region, deadline: deadline)
                }
            )
            return .init(provider: chain, source: chain.source, account: account)
        }
        var entry = base
        if let roleARN = settings.roleARN, !roleARN.isEmpty {
            entry = sources.provider(roleARN: roleARN) {
                // AssumeRoleCredentialProvider caches and refreshes through CachingCredentialProvider itself.
                .init(
                    provider: AssumeRoleCredentialProvider(
                        roleARN: roleARN,
                        sessionName: AssumeRoleCredentialProvider.defaultSessionName,
                        source: base.provider,
                        region: region,
                        sts: sts,
                        logger: logger
                    ),
                    source: "assume-role from \(base.source)",
                    account: AccountLookup(known: AccountLookup.account(ofRoleARN: roleARN))
                )
            }
        }
        let credentials = entry.provider
        let credentialSource = entry.source
        let resolver = AWSEndpointResolver(environment: environment)
        // One caller per service, each with its own retry budget: CloudWatch throttling must not stop the
        // tag refresh from retrying, and the other way round.
        func caller(_ service: AWSServiceDescriptor, _ endpoint: AWSEndpoint) -> AWSServiceCaller {
            AWSServiceCaller(
                service: service,
                region: region,
                endpoint: endpoint,
                credentials: credentials,
                transport: transport,
                retry: settings.retry,
                requestTimeout: settings.requestTimeout,
                retryBudget: RetryBudget(),
                observer: observer,
                logger: logger
            )
        }
        let cloudWatch = CloudWatchClient(
            caller: caller(.cloudWatch, try resolver.resolve(.cloudWatch, region: region))
        )
        let elb = ELBClient(caller: caller(.elb, try resolver.resolve(.elb, region: region)))
        let elbv2 = ELBv2Client(caller: caller(.elbv2, try resolver.resolve(.elbv2, region: region)))
        // Tagging has no FIPS endpoint in the aws partition: only configurations that use it should fail.
        let tagging: TaggingClient
        do {
            tagging = TaggingClient(caller: caller(.tagging, try resolver.resolve(.tagging, region: region)))
        } catch {
            logger.warning("Resource Groups Tagging API unavailable", metadata: ["error": "\(error)"])
            tagging = TaggingClient(unavailable: error)
        }
        return AWSClient(
            region: region,
            cloudWatch: cloudWatch,
            elb: elb,
            elbv2: elbv2,
            tagging: tagging,
            credentialSource: credentialSource,
            accountLookup: entry.account
        )
    }
}
