public import AWSSigV4

/// Supplies the credentials to sign a request with. Implementations cache and refresh as they need.
public protocol CredentialProvider: Sendable {
    /// Returns valid credentials, fetching or refreshing them if needed.
    func credentials() async throws -> AWSCredentials

    /// Returns valid credentials, waiting for a fetch or refresh only until `deadline`.
    ///
    /// A caching provider whose refresh is slow answers with its current credentials while they are valid, and
    /// lets the refresh go on for the next caller. The default waits for ``credentials()``.
    /// - Throws: An ``AWSError`` of kind `.timeout` when no valid credentials are at hand by the deadline.
    func credentials(deadline: ContinuousClock.Instant?) async throws -> AWSCredentials
}

extension CredentialProvider {
    public func credentials(deadline: ContinuousClock.Instant?) async throws -> AWSCredentials {
        try await credentials()
    }
}

/// A provider that always returns the same credentials.
public struct StaticCredentialProvider: CredentialProvider {
    private let value: AWSCredentials

    /// Creates a provider for fixed credentials.
    public init(_ credentials: AWSCredentials) { self.value = credentials }

    public func credentials() async throws -> AWSCredentials { value }
}
