// TEMPORARY contract stub (lead's main only; replaced by the aws-core branch).
public struct RetryPolicy: Sendable {
    public var maxAttempts: Int = 3
    public var baseDelay: Duration = .milliseconds(200)
    public var maxDelay: Duration = .seconds(5)
    public init(maxAttempts: Int = 3, baseDelay: Duration = .milliseconds(200), maxDelay: Duration = .seconds(5)) { self.maxAttempts = maxAttempts; self.baseDelay = baseDelay; self.maxDelay = maxDelay }
}
public final class AsyncHTTPClientTransport: HTTPTransport {
    public init(connectTimeout: Duration) {}
    public func send(_ request: HTTPRequest, timeout: Duration) async throws -> HTTPResponse { HTTPResponse(status: 500) }
    public func shutdown() async throws {}
}
