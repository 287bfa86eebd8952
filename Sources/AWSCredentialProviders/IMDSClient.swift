import AWSCore
import FoundationEssentials

/// A minimal EC2 instance metadata client that speaks IMDSv2 only.
///
/// Every use starts with `PUT /latest/api/token`; a failure there is an error, never a fallback to the
/// unauthenticated IMDSv1, which instances hardened with `HttpTokens=required` refuse anyway.
struct IMDSClient: Sendable {
    /// The session token lifetime asked for, in seconds (six hours, as the SDKs ask).
    static let tokenTTLSeconds = "21600"

    let endpoint: String
    let transport: any HTTPTransport
    let timeout: Duration

    /// The client for the environment: `AWS_EC2_METADATA_SERVICE_ENDPOINT`, else the IPv6 address when
    /// `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6`, else `http://169.254.169.254`. Nil when
    /// `AWS_EC2_METADATA_DISABLED=true`.
    init?(environment: [String: String], transport: any HTTPTransport, timeout: Duration = .seconds(1)) {
        if environment["AWS_EC2_METADATA_DISABLED"]?.lowercased() == "true" { return nil }
        var endpoint: String
        if let explicit = environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"], !explicit.isEmpty {
            endpoint = explicit
        } else if environment["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"]?.lowercased() == "ipv6" {
            endpoint = "http://[fd00:ec2::254]"
        } else {
            endpoint = "http://169.254.169.254"
        }
        while endpoint.hasSuffix("/") { endpoint.removeLast() }
        self.endpoint = endpoint
        self.transport = transport
        self.timeout = timeout
    }

    /// Fetches a session token.
    func token(provider: String, deadline: ContinuousClock.Instant?) async throws -> String {
        let response = try await transport.sendForCredentials(
            HTTPRequest(
                method: "PUT",
                url: endpoint + "/latest/api/token",
                headers: [("x-aws-ec2-metadata-token-ttl-seconds", Self.tokenTTLSeconds)]
            ),
            timeout: timeout,
            deadline: deadline,
            service: "imds",
            provider: provider,
            what: "the IMDSv2 token request (PUT \(endpoint)/latest/api/token; IMDSv1 is not used)"
        )
        let token = String(decoding: response.body, as: UTF8.self).trimmingWhitespace(newlines: true)
        guard response.status == 200, !token.isEmpty else {
            throw AWSError.credentials(
                service: "imds",
                provider: provider,
                code: "HTTP\(response.status)",
                "the IMDSv2 token request (PUT \(endpoint)/latest/api/token) answered HTTP \(response.status); "
                    + "IMDSv1 is not used",
                httpStatus: response.status
            )
        }
        return token
    }

    /// GETs `path` with a session token, fetching a new token once if IMDS answers 401 (token expired).
    func get(
        _ path: String,
        token: inout String,
        provider: String,
        deadline: ContinuousClock.Instant?
    ) async throws -> String {
        var response = try await send(path, token: token, provider: provider, deadline: deadline)
        if response.status == 401 {
            token = try await self.token(provider: provider, deadline: deadline)
            response = try await send(path, token: token, provider: provider, deadline: deadline)
        }
        guard response.status == 200 else {
            throw AWSError.credentials(
                service: "imds",
                provider: provider,
                code: "HTTP\(response.status)",
                "GET \(endpoint)\(path) answered HTTP \(response.status)",
                httpStatus: response.status
            )
        }
        return String(decoding: response.body, as: UTF8.self)
    }

    private func send(
        _ path: String,
        token: String,
        provider: String,
        deadline: ContinuousClock.Instant?
    ) async throws -> HTTPResponse {
        try await transport.sendForCredentials(
            HTTPRequest(method: "GET", url: endpoint + path, headers: [("x-aws-ec2-metadata-token", token)]),
            timeout: timeout,
            deadline: deadline,
            service: "imds",
            provider: provider,
            what: "GET \(endpoint)\(path)"
        )
    }
}
