public import AWSSigV4

/// Supplies the credentials to sign a request with. Implementations cache and refresh as they need.
public protocol CredentialProvider: Sendable {
    /// Returns valid credentials, fetching or refreshing them if needed, but never waiting past `deadline`: every
    /// request a fetch makes (STS, IMDS, the container endpoint) carries it.
    ///
    /// A caching provider whose refresh is slow answers with its current credentials while they are valid, and
    /// lets the refresh go on for the next caller.
    /// - Throws: An ``AWSError`` of kind `.deadlineExceeded` when no valid credentials are at hand by the deadline.
    func credentials(deadline: ContinuousClock.Instant?) async throws -> AWSCredentials
}

extension CredentialProvider {
    /// Returns valid credentials, waiting as long as the fetch takes (tools and tests; a scrape always has a
    /// deadline).
    public func credentials() async throws -> AWSCredentials {
        try await credentials(deadline: nil)
    }
}

/// A provider that always returns the same credentials.
public struct StaticCredentialProvider: CredentialProvider {
    private let value: AWSCredentials

    /// Creates a provider for fixed credentials.
    public init(_ credentials: AWSCredentials) { self.value = credentials }

    public func credentials(deadline: ContinuousClock.Instant?) async throws -> AWSCredentials { value }
}
