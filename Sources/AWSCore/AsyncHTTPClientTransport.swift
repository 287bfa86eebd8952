import AsyncCoordination
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
            timeout: .init(connect: .nanoseconds(connectTimeout.saturatingNanoseconds)),
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

    /// Sends `request` and reads the whole answer on the connection's event loop, so that the calling task is
    /// resumed once, with the answer, instead of once for the head and again for each part of the body: profiled
    /// with 10 GetMetricStatistics calls in flight, handing each answer over to the waiting task was the largest
    /// cost of a call, and the time from one answer to the next call on its connection kept the bound below full.
    public func send(_ request: HTTPRequest, timeout: Duration) async throws -> HTTPResponse {
        do {
            var headers = HTTPHeaders()
            for (name, value) in request.headers { headers.add(name: name, value: value) }
            let outgoing = try HTTPClient.Request(
                url: request.url,
                method: HTTPMethod(rawValue: request.method),
                headers: headers,
                body: request.body.isEmpty ? nil : .bytes(request.body)
            )
            let task = client.execute(
                request: outgoing,
                delegate: ResponseAccumulator(request: outgoing, maxBodySize: Self.maximumResponseBytes),
                deadline: .now() + .nanoseconds(timeout.saturatingNanoseconds)
            )
            let response = try await withTaskCancellationHandler {
                try await task.futureResult.get()
            } onCancel: {
                task.cancel()
            }
            return HTTPResponse(
                status: Int(response.status.code),
                headers: response.headers.map { ($0.name, $0.value) },
                body: response.body.map { Array(buffer: $0) } ?? []
            )
        } catch _ where Task.isCancelled {
            throw CancellationError()
        } catch let error as HTTPClientError {
            throw HTTPTransportError(classifying: error)
        } catch let error as CancellationError {
            throw error
        } catch {
            throw HTTPTransportError(kind: .connection, message: String(describing: error))
        }
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
