import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Synchronization

/// The production ``HTTPTransport``: one pooled AsyncHTTPClient (keep-alive connections) per connection settings.
///
/// TLS certificates are verified with the system trust store. Transport failures are thrown as
/// ``HTTPTransportError`` so that the caller can tell timeouts from connection failures.
///
/// A reload that changes the connection settings builds a new transport; the old one is shut down when the last
/// runtime and collection using it let go of it (its `deinit`), so its connections are closed, not leaked, and no
/// call still running on it is cut off.
public final class AsyncHTTPClientTransport: HTTPTransport {
    /// The largest response body accepted; a GetMetricData page with 500 series stays well below it.
    public static let maximumResponseBytes = 64 * 1024 * 1024

    private let client: HTTPClient
    private let isShutDown = Mutex(false)
    /// The connect timeout this transport was built with.
    public let connectTimeout: Duration
    /// The connection limit per endpoint this transport was built with.
    public let connectionsPerHost: Int

    /// Creates the transport.
    /// - Parameters:
    ///   - connectTimeout: How long establishing a connection (TCP and TLS) may take.
    ///   - connectionsPerHost: Connections kept open to one endpoint: `max_concurrent_requests`, so that many calls
    ///     are really in flight at once (AsyncHTTPClient's default of 8 capped them below the config).
    public init(connectTimeout: Duration = .seconds(5), connectionsPerHost: Int = 10) {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: TimeAmount(connectTimeout)),
            decompression: .disabled
        )
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60),
            concurrentHTTP1ConnectionsPerHostSoftLimit: max(1, connectionsPerHost)
        )
        configuration.httpVersion = .automatic
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.connectTimeout = connectTimeout
        self.connectionsPerHost = connectionsPerHost
    }

    deinit {
        guard !isShutDown.withLock({ $0 }) else { return }
        // Nothing uses this transport any more (a reload replaced it). The task keeps the client alive until its
        // connections are closed: AsyncHTTPClient requires a shutdown before the client goes away.
        let client = self.client
        Task { try? await client.shutdown() }
    }

    /// Whether ``shutdown()`` was called.
    public var isShutdown: Bool { isShutDown.withLock { $0 } }

    /// Closes the pooled connections; later calls do nothing.
    public func shutdown() async throws {
        let first = isShutDown.withLock { shutDown in
            defer { shutDown = true }
            return !shutDown
        }
        if first { try await client.shutdown() }
    }

    public func send(_ request: HTTPRequest, timeout: Duration) async throws -> HTTPResponse {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
        if !request.body.isEmpty {
            outgoing.body = .bytes(ByteBuffer(bytes: request.body))
        }
        do {
            let response = try await client.execute(outgoing, timeout: TimeAmount(timeout))
            let body = try await response.body.collect(upTo: Self.maximumResponseBytes)
            return HTTPResponse(
                status: Int(response.status.code),
                headers: response.headers.map { ($0.name, $0.value) },
                body: Array(buffer: body)
            )
        } catch let error as HTTPClientError {
            throw HTTPTransportError(classifying: error)
        } catch let error as CancellationError {
            throw error
        } catch {
            throw HTTPTransportError(kind: .connection, message: String(describing: error))
        }
    }
}

extension TimeAmount {
    /// Converts without trapping: durations past what `Int64` nanoseconds hold (292 years) saturate.
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else {
            self = .nanoseconds(seconds < 0 ? .min : .max)
            return
        }
        let (total, sumOverflow) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        self = .nanoseconds(sumOverflow ? (seconds < 0 ? .min : .max) : total)
    }
}

extension HTTPTransportError {
    init(classifying error: HTTPClientError) {
        let timeouts: [HTTPClientError] = [
            .readTimeout, .writeTimeout, .connectTimeout, .deadlineExceeded, .tlsHandshakeTimeout,
            .getConnectionFromPoolTimeout,
        ]
        self.init(kind: timeouts.contains(error) ? .timeout : .connection, message: String(describing: error))
    }
}
