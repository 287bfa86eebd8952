import AsyncCoordination
import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL

/// GET requests to one API server over its own AsyncHTTPClient: TLS verified against the configured CA (host name
/// included), `Authorization: Bearer` with the current token on every request, `Accept: application/json`.
///
/// A 401 answer makes the token file be read again, and when the token changed the request is sent once more with
/// the new one (the kubelet may have rotated it since it was cached). Bodies are bounded: a list page is collected
/// up to a limit, a watch is handed back as a stream for the caller to split into bounded lines.
final class KubernetesHTTPClient: Sendable {
    /// A whole answer.
    struct Response: Sendable {
        var status: Int
        var body: ByteBuffer
    }

    /// The most of an error answer's body read to find the server's message.
    static let errorBodyLimit = 64 * 1024

    private let client: HTTPClient
    private let server: KubernetesServerURL
    private let token: BearerTokenSource?

    /// - Parameters:
    ///   - server: The API server.
    ///   - tlsConfiguration: From ``KubernetesAccess/makeTLSConfiguration()``; nil for plain HTTP.
    ///   - token: The bearer token source, if requests carry one.
    ///   - connectTimeout: How long connecting (TCP and TLS) may take.
    ///   - idleReadTimeout: How long a response may go without a byte; above the longest watch, whose server ends it.
    ///   - logger: For AsyncHTTPClient's background activity.
    init(
        server: KubernetesServerURL,
        tlsConfiguration: TLSConfiguration?,
        token: BearerTokenSource?,
        connectTimeout: Duration,
        idleReadTimeout: Duration,
        logger: Logger
    ) {
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tlsConfiguration,
            redirectConfiguration: .disallow,
            timeout: .init(
                connect: .nanoseconds(connectTimeout.saturatingNanoseconds),
                read: .nanoseconds(idleReadTimeout.saturatingNanoseconds)
            ),
            decompression: .disabled
        )
        // One connection per watch plus one for lists; HTTP/1.1 keeps each watch on its own connection, which is
        // what the API server's per-connection timeouts and the test server expect.
        configuration.httpVersion = .http1Only
        // A failed connection attempt fails the request at once; the watch loop's own backoff decides when to try
        // again. (AsyncHTTPClient's retry would hold the request up to the connect timeout and add its own growing
        // backoff of up to a minute on top of ours, delaying the reconnect after the API server comes back.)
        configuration.connectionPool.retryConnectionEstablishment = false
        self.client = HTTPClient(
            eventLoopGroup: HTTPClient.defaultEventLoopGroup,
            configuration: configuration,
            backgroundActivityLogger: logger
        )
        self.server = server
        self.token = token
    }

    /// Closes the connections. Call once, after the last request.
    func shutdown() async {
        try? await client.shutdown()
    }

    /// A GET whose whole answer (head and body) must arrive within `timeout` and fit in `maximumBytes`.
    /// - Parameter onAttempt: Called with the status code of every attempt, or nil when an attempt got no answer.
    func get(
        path: String,
        query: [(String, String)],
        verb: String,
        resource: String,
        timeout: Duration,
        maximumBytes: Int,
        onAttempt: @escaping @Sendable (Int?) -> Void
    ) async throws -> Response {
        let url = self.url(path: path, query: query)
        return try await withTimeLimit(
            timeout,
            timeoutError: KubernetesAPIError.timeout(verb: verb, resource: resource)
        ) {
            let response = try await self.send(
                url: url,
                headTimeout: timeout,
                verb: verb,
                resource: resource,
                onAttempt: onAttempt
            )
            let isSuccess = response.status == .ok
            do {
                let body = try await response.body.collect(upTo: max(0, isSuccess ? maximumBytes : Self.errorBodyLimit))
                return Response(status: Int(response.status.code), body: body)
            } catch is NIOTooManyBytesError {
                // An error answer too long to read for its message is still an answer with a status.
                guard isSuccess else { return Response(status: Int(response.status.code), body: ByteBuffer()) }
                throw KubernetesAPIError.tooLarge(verb: verb, resource: resource, limit: maximumBytes)
            } catch {
                throw Self.mapped(error, verb: verb, resource: resource)
            }
        }
    }

    /// A GET whose body is streamed to the caller: the head must arrive within `headTimeout`; afterwards only the
    /// idle read timeout applies, because a watch legitimately stays quiet for minutes.
    func openStream(
        path: String,
        query: [(String, String)],
        verb: String,
        resource: String,
        headTimeout: Duration,
        onAttempt: @escaping @Sendable (Int?) -> Void
    ) async throws -> HTTPClientResponse {
        try await send(
            url: url(path: path, query: query),
            headTimeout: headTimeout,
            verb: verb,
            resource: resource,
            onAttempt: onAttempt
        )
    }

    /// One attempt, and a second one with a re-read token when the first got 401 and the token file changed.
    private func send(
        url: String,
        headTimeout: Duration,
        verb: String,
        resource: String,
        onAttempt: @Sendable (Int?) -> Void
    ) async throws -> HTTPClientResponse {
        let first = try await attempt(url, headTimeout, verb, resource, onAttempt)
        guard first.status == .unauthorized, let token, token.reloadAfterRejection() else { return first }
        _ = try? await first.body.collect(upTo: Self.errorBodyLimit)
        return try await attempt(url, headTimeout, verb, resource, onAttempt)
    }

    private func attempt(
        _ url: String,
        _ headTimeout: Duration,
        _ verb: String,
        _ resource: String,
        _ onAttempt: @Sendable (Int?) -> Void
    ) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "cloudwatch-tag-exporter")
        if let token {
            do {
                request.headers.add(name: "Authorization", value: "Bearer \(try token.current())")
            } catch {
                throw KubernetesAPIError.credentials(error.description)
            }
        }
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(headTimeout.saturatingNanoseconds))
            onAttempt(Int(response.status.code))
            return response
        } catch {
            onAttempt(nil)
            throw Self.mapped(error, verb: verb, resource: resource)
        }
    }

    /// Cancellation stays cancellation; everything else becomes a ``KubernetesAPIError`` saying what happened.
    static func mapped(_ error: any Error, verb: String, resource: String) -> any Error {
        if error is CancellationError || error is KubernetesAPIError { return error }
        if let clientError = error as? HTTPClientError {
            if clientError == .cancelled, Task.isCancelled { return CancellationError() }
            let timeouts: [HTTPClientError] = [
                .readTimeout, .connectTimeout, .deadlineExceeded, .tlsHandshakeTimeout, .getConnectionFromPoolTimeout,
                .writeTimeout,
            ]
            if timeouts.contains(clientError) { return KubernetesAPIError.timeout(verb: verb, resource: resource) }
        }
        if Task.isCancelled { return CancellationError() }
        return KubernetesAPIError.transport(verb: verb, resource: resource, detail: String(describing: error))
    }

    /// `server/prefix/path?query`, each query value percent-encoded.
    func url(path: String, query: [(String, String)]) -> String {
        var url = server.description + path
        if !query.isEmpty {
            url += "?" + query.map { "\($0.0)=\(Self.percentEncoded($0.1))" }.joined(separator: "&")
        }
        return url
    }

    /// Everything but `A–Z a–z 0–9 - . _ ~` as `%XX`: continue tokens are base64 with `+`, `/` and `=`.
    static func percentEncoded(_ value: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(value.utf8.count)
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                bytes.append(byte)
            default:
                bytes.append(UInt8(ascii: "%"))
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
