import AWSCore
import AWSCredentials
import AWSSigV4
import Foundation
import Logging

/// INTERIM: the facade's STS calls until the AWSCredentials target ships its `STSClient`; then the facade
/// switches to that and this file goes.
///
/// Sends `AssumeRole` (signed with the source credentials) and `AssumeRoleWithWebIdentity` (unsigned) through
/// ``AWSServiceCaller`` to STS's regional endpoint or its override.
struct InterimSTSFetcher: STSCredentialsFetcher {
    let transport: any HTTPTransport
    let environment: [String: String]
    let retry: RetryPolicy
    let requestTimeout: Duration
    let observer: any AWSCallObserver
    let logger: Logger

    func assumeRole(
        roleARN: String,
        sessionName: String,
        externalId: String?,
        durationSeconds: Int?,
        using: any CredentialProvider,
        region: String
    ) async throws -> AWSCredentials {
        var parameters = QueryParameters()
        parameters.set("RoleArn", roleARN)
        parameters.set("RoleSessionName", sessionName)
        parameters.setIfPresent("ExternalId", externalId)
        if let durationSeconds { parameters.set("DurationSeconds", durationSeconds) }
        return try await call("AssumeRole", parameters, credentials: using, region: region)
    }

    func assumeRoleWithWebIdentity(
        roleARN: String,
        sessionName: String,
        webIdentityToken: String,
        region: String
    ) async throws -> AWSCredentials {
        var parameters = QueryParameters()
        parameters.set("RoleArn", roleARN)
        parameters.set("RoleSessionName", sessionName)
        parameters.set("WebIdentityToken", webIdentityToken)
        return try await call("AssumeRoleWithWebIdentity", parameters, credentials: nil, region: region)
    }

    private func call(
        _ action: String,
        _ parameters: QueryParameters,
        credentials: (any CredentialProvider)?,
        region: String
    ) async throws -> AWSCredentials {
        let caller = AWSServiceCaller(
            service: .sts,
            region: region,
            endpoint: try AWSEndpointResolver(environment: environment).resolve(.sts, region: region),
            credentials: credentials,
            transport: transport,
            retry: retry,
            requestTimeout: requestTimeout,
            observer: observer,
            logger: logger
        )
        let result = try await caller.query(action: action, parameters: parameters, deadline: nil)
        guard let document = result.child("Credentials"), let keyId = document.string("AccessKeyId"),
            let secret = document.string("SecretAccessKey")
        else {
            throw AWSError(
                kind: .malformedResponse,
                service: "sts",
                operation: action,
                code: "MalformedResponse",
                message: "the answer has no credentials"
            )
        }
        return AWSCredentials(
            accessKeyId: keyId,
            secretAccessKey: secret,
            sessionToken: document.string("SessionToken"),
            expiration: document.string("Expiration").flatMap(AWSTimestamp.parseISO8601)
        )
    }
}
