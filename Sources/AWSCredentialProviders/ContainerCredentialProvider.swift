import AWSCore
import AWSSigV4
import FoundationEssentials

/// Credentials from the ECS task role endpoint or EKS Pod Identity agent.
///
/// `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` is appended to `http://169.254.170.2`; otherwise
/// `AWS_CONTAINER_CREDENTIALS_FULL_URI` is used when it is `https`, or `http` to a loopback address or one of the
/// container credential addresses (169.254.170.2, 169.254.170.23, fd00:ec2::23). The `Authorization` header is
/// the raw contents of `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (re-read on every fetch, since EKS rotates it) or
/// else `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
struct ContainerCredentialProvider: CredentialProvider {
    static let providerName = "ContainerCredentials"
    private static let allowedHTTPHosts: Set<String> = [
        "169.254.170.2", "169.254.170.23", "fd00:ec2::23", "localhost",
    ]

    let url: String
    let tokenFile: String?
    let token: String?
    let transport: any HTTPTransport
    let timeout: Duration
    let attempts: Int
    let retryDelay: Duration

    /// The settings from the environment, or nil when neither URI variable is set.
    /// - Throws: When `AWS_CONTAINER_CREDENTIALS_FULL_URI` is not an allowed URL.
    init?(
        environment: [String: String],
        transport: any HTTPTransport,
        timeout: Duration = .seconds(2),
        attempts: Int = 3,
        retryDelay: Duration = .seconds(1)
    ) throws(AWSError) {
        if let relative = environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"], !relative.isEmpty {
            url = "http://169.254.170.2" + (relative.hasPrefix("/") ? relative : "/" + relative)
        } else if let full = environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"], !full.isEmpty {
            try Self.validate(fullURI: full)
            url = full
        } else {
            return nil
        }
        tokenFile = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        token = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        self.transport = transport
        self.timeout = timeout
        self.attempts = max(1, attempts)
        self.retryDelay = retryDelay
    }

    func credentials(deadline: ContinuousClock.Instant?) async throws -> AWSCredentials {
        var headers: [(String, String)] = [("Accept", "application/json")]
        if let authorization = try authorizationToken() { headers.append(("Authorization", authorization)) }
        let request = HTTPRequest(method: "GET", url: url, headers: headers)
        var attempt = 1
        while true {
            do {
                return try await fetch(request, deadline: deadline)
            } catch let error as AWSError where attempt < attempts && Self.isRetryable(error) {
                attempt += 1
                if let deadline, ContinuousClock.now.advanced(by: retryDelay) >= deadline { throw error }
                try await Task.sleep(for: retryDelay)
            }
        }
    }

    private func fetch(_ request: HTTPRequest, deadline: ContinuousClock.Instant?) async throws -> AWSCredentials {
        let response = try await transport.sendForCredentials(
            request,
            timeout: timeout,
            deadline: deadline,
            service: "container",
            provider: Self.providerName,
            what: "the container credentials request to \(url)"
        )
        guard response.status == 200 else {
            throw AWSError.credentials(
                service: "container",
                provider: Self.providerName,
                code: "HTTP\(response.status)",
                "the container credentials endpoint \(url) answered HTTP \(response.status)",
                httpStatus: response.status
            )
        }
        return try TemporaryCredentialsDocument.decode(
            response.body,
            service: "container",
            provider: Self.providerName
        )
    }

    private func authorizationToken() throws(AWSError) -> String? {
        var value = token
        if let tokenFile {
            do {
                value = try String(contentsOfFile: tokenFile, encoding: .utf8)
            } catch {
                throw .credentials(
                    service: "container",
                    provider: Self.providerName,
                    code: "TokenFileUnreadable",
                    "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(tokenFile)"
                )
            }
            // A file written with `echo` ends in a newline that is not part of the token; anything else that
            // breaks the line is refused below.
            while value?.last?.isNewline == true { value?.removeLast() }
        }
        guard let value else { return nil }
        if value.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) {
            throw .credentials(
                service: "container",
                provider: Self.providerName,
                code: "InvalidAuthorizationToken",
                "the container authorization token contains a line break"
            )
        }
        return value
    }

    private static func isRetryable(_ error: AWSError) -> Bool {
        error.code == "ConnectionError" || error.code == "Timeout" || (error.httpStatus ?? 0) >= 500
    }

    /// A dotted-quad `127.x.y.z`; a host name merely starting with `127.` does not count.
    private static func isIPv4Loopback(_ host: String) -> Bool {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts.first == "127" else { return false }
        return parts.allSatisfy { part in
            !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isASCII) && (UInt8(part) != nil)
        }
    }

    private static func validate(fullURI: String) throws(AWSError) {
        guard let components = URLComponents(string: fullURI), let scheme = components.scheme?.lowercased(),
            var host = components.host, !host.isEmpty
        else {
            throw .credentials(
                service: "container",
                provider: providerName,
                code: "InvalidConfiguration",
                "AWS_CONTAINER_CREDENTIALS_FULL_URI is not a URL"
            )
        }
        if scheme == "https" { return }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        host = host.lowercased()
        let isLoopback = isIPv4Loopback(host) || host == "::1" || allowedHTTPHosts.contains(host)
        guard scheme == "http", isLoopback else {
            throw .credentials(
                service: "container",
                provider: providerName,
                code: "InvalidConfiguration",
                "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http to a loopback address, 169.254.170.2, "
                    + "169.254.170.23 or fd00:ec2::23; got host \(host)"
            )
        }
    }
}
