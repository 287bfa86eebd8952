/// An HTTP request as the AWS client sends it: already signed, body fully buffered.
public struct HTTPRequest: Sendable {
    /// The method, e.g. `POST`.
    public var method: String
    /// The absolute URL, e.g. `https://monitoring.us-east-1.amazonaws.com/`.
    public var url: String
    /// Header fields in the order they are sent.
    public var headers: [(String, String)]
    /// The body bytes.
    public var body: [UInt8]

    /// Creates a request.
    public init(method: String, url: String, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// An HTTP response, body fully buffered.
public struct HTTPResponse: Sendable {
    /// The status code.
    public var status: Int
    /// Header fields as received.
    public var headers: [(String, String)]
    /// The body bytes.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of the header `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.0.lowercased() == wanted }?.1
    }
}

/// Sends HTTP requests. The production implementation is ``AsyncHTTPClientTransport``; tests inject their own.
public protocol HTTPTransport: Sendable {
    /// Sends `request` and returns the whole response.
    /// - Parameters:
    ///   - request: The request to send.
    ///   - timeout: The longest the whole exchange may take.
    /// - Throws: A transport error (connection refused, timeout, TLS failure).
    func send(_ request: HTTPRequest, timeout: Duration) async throws -> HTTPResponse

    /// Closes what the transport holds open (pooled connections); later calls do nothing.
    func shutdown() async throws
}

extension HTTPTransport {
    /// Transports that hold nothing open (test doubles) have nothing to close.
    public func shutdown() async throws {}
}
