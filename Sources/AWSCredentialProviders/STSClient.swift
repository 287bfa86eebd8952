public import AWSCore
public import AWSSigV4
public import FoundationEssentials
public import Logging

/// The STS calls of the credential providers, sent through ``AWSServiceCaller`` (retries, error decoding,
/// observer events under the service name `sts`).
///
/// Requests go to the regional endpoint `https://sts.<region>.amazonaws.com` (`.amazonaws.com.cn` in China), or
/// to `AWS_ENDPOINT_URL_STS` / `AWS_ENDPOINT_URL` when set; an override changes where requests go, not how they
/// are signed. Failures are thrown as ``AWSError`` of kind `.credentials` that keep STS's error code.
public struct STSClient: STSCredentialsFetcher {
    private let transport: any HTTPTransport
    private let endpoints: AWSEndpointResolver
    private let retry: RetryPolicy
    private let requestTimeout: Duration
    private let observer: any AWSCallObserver
    private let logger: Logger
    private let now: @Sendable () -> Date

    /// Creates the client.
    /// - Parameters:
    ///   - transport: Sends the requests.
    ///   - environment: The process environment, for the endpoint overrides.
    ///   - retry: Attempts and backoff.
    ///   - requestTimeout: The timeout of each attempt.
    ///   - observer: Receives attempt, retry and failure events.
    ///   - logger: Debug logs per attempt (never credentials).
    ///   - now: The wall clock used for signing.
    public init(
        transport: any HTTPTransport,
        environment: [String: String],
        retry: RetryPolicy = RetryPolicy(),
        requestTimeout: Duration = .seconds(10),
        observer: any AWSCallObserver = NoopAWSCallObserver(),
        logger: Logger,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.transport = transport
        self.endpoints = AWSEndpointResolver(environment: environment)
        self.retry = retry
        self.requestTimeout = requestTimeout
        self.observer = observer
        self.logger = logger
        self.now = now
    }

    /// Calls `AssumeRole`, signed with the credentials of `using`.
    public func assumeRole(
        roleARN: String,
        sessionName: String,
        externalId: String?,
        durationSeconds: Int?,
        using: any CredentialProvider,
        region: String,
        deadline: ContinuousClock.Instant?
    ) async throws -> AWSCredentials {
        var parameters = QueryParameters()
        parameters.set("RoleArn", roleARN)
        parameters.set("RoleSessionName", sessionName)
        parameters.setIfPresent("ExternalId", externalId)
        if let durationSeconds { parameters.set("DurationSeconds", durationSeconds) }
        return try await call(
            "AssumeRole",
            parameters,
            signedWith: using,
            region: region,
            roleARN: roleARN,
            deadline: deadline
        )
    }

    /// Calls `AssumeRoleWithWebIdentity`, unsigned.
    public func assumeRoleWithWebIdentity(
        roleARN: String,
        sessionName: String,
        webIdentityToken: String,
        region: String,
        deadline: ContinuousClock.Instant?
    ) async throws -> AWSCredentials {
        var parameters = QueryParameters()
        parameters.set("RoleArn", roleARN)
        parameters.set("RoleSessionName", sessionName)
        parameters.set("WebIdentityToken", webIdentityToken)
        return try await call(
            "AssumeRoleWithWebIdentity",
            parameters,
            signedWith: nil,
            region: region,
            roleARN: roleARN,
            deadline: deadline
        )
    }

    /// An STS caller for `region`, signing with `credentials` (nil: unsigned).
    private func caller(region: String, credentials: (any CredentialProvider)?) throws(AWSError) -> AWSServiceCaller {
        AWSServiceCaller(
            service: .sts,
            region: region,
            endpoint: try endpoints.resolve(.sts, region: region),
            credentials: credentials,
            transport: transport,
            retry: retry,
            requestTimeout: requestTimeout,
            observer: observer,
            logger: logger,
            now: now
        )
    }

    /// Calls `GetCallerIdentity`, signed with the credentials of `using`, and returns the 12-digit account id.
    public func callerAccount(
        using credentials: any CredentialProvider,
        region: String,
        deadline: ContinuousClock.Instant?
    ) async throws(AWSError) -> String {
        let caller = try caller(region: region, credentials: credentials)
        let result = try await caller.query(
            action: "GetCallerIdentity",
            parameters: QueryParameters(),
            deadline: deadline
        )
        // The label value goes into every sample: only an account id as AWS writes them is accepted.
        guard let account = result.string("Account"), account.utf8.count == 12,
            account.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 })
        else {
            throw AWSError(
                kind: .malformedResponse,
                service: "sts",
                operation: "GetCallerIdentity",
                code: "MalformedResponse",
                message: "GetCallerIdentity answered without a 12-digit Account"
            )
        }
        return account
    }

    private func call(
        _ action: String,
        _ parameters: QueryParameters,
        signedWith credentials: (any CredentialProvider)?,
        region: String,
        roleARN: String,
        deadline: ContinuousClock.Instant?
    ) async throws(AWSError) -> AWSCredentials {
        let caller = try caller(region: region, credentials: credentials)
        let result: AWSXMLElement
        do {
            result = try await caller.query(action: action, parameters: parameters, deadline: deadline)
        } catch  where error.isAbandoned {
            throw error
        } catch {
            throw AWSError(
                kind: .credentials,
                service: error.service,
                operation: error.operation,
                code: error.code,
                message: "\(action) of \(roleARN) failed: \(error.message)",
                httpStatus: error.httpStatus,
                requestId: error.requestId
            )
        }
        guard let document = result.child("Credentials"), let keyId = document.string("AccessKeyId"),
            let secret = document.string("SecretAccessKey"), let token = document.string("SessionToken"),
            let expirationText = document.string("Expiration"),
            let expiration = AWSTimestamp.parseISO8601(expirationText), !keyId.isEmpty, !secret.isEmpty
        else {
            throw AWSError(
                kind: .credentials,
                service: "sts",
                operation: action,
                code: "MalformedResponse",
                message: "\(action) of \(roleARN) answered without complete Credentials"
            )
        }
        return AWSCredentials(accessKeyId: keyId, secretAccessKey: secret, sessionToken: token, expiration: expiration)
    }
}
