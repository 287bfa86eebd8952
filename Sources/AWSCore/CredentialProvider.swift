public import AWSSigV4

/// Supplies the credentials to sign a request with. Implementations cache and refresh as they need.
public protocol CredentialProvider: Sendable {
    /// Returns valid credentials, fetching or refreshing them if needed.
    func credentials() async throws -> AWSCredentials
}

/// A provider that always returns the same credentials.
public struct StaticCredentialProvider: CredentialProvider {
    private let value: AWSCredentials

    /// Creates a provider for fixed credentials.
    public init(_ credentials: AWSCredentials) { self.value = credentials }

    public func credentials() async throws -> AWSCredentials { value }
}
