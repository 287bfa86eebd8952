import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// A Kubernetes API server double on 127.0.0.1 (ephemeral port, plain HTTP or TLS) that follows the API's list and
/// watch conventions closely enough to test a client against:
///
/// - `GET <collection>?limit=N[&continue=T]`: a page of objects sorted by namespace/name, with
///   `metadata.resourceVersion` and `metadata.continue`; a continue token can be made to expire (410 `Expired`).
/// - `GET <collection>?watch=1&resourceVersion=RV&...`: a chunked stream of JSON lines: every change after RV from
///   the history, then changes as they happen, `BOOKMARK`s and `ERROR`s on demand; a resourceVersion older than the
///   compaction point gets `ERROR` 410, as the real server does. Watches end when the test ends them.
/// - `Authorization: Bearer T` checked against the accepted tokens: 401 `Status` otherwise.
/// - A collection can be "not installed" (404, as for a missing CRD) or answer a forced status.
///
/// The server can go away (every connection closed at once) and come back, keeping its objects.
final class FakeKubernetesAPIServer: Sendable {
    static let services = "/api/v1/services"
    static let bindings = "/apis/elbv2.k8s.aws/v1beta1/targetgroupbindings"

    struct RecordedRequest: Sendable {
        var path: String
        var query: [String: String]
        var authorization: String?
        var status: Int

        var isWatch: Bool { query["watch"] == "1" || query["watch"] == "true" }
    }

    private struct Change: Sendable {
        var resourceVersion: Int
        var type: String
        var json: String
    }

    private struct Collection: Sendable {
        var kind: String
        var objects: [String: (resourceVersion: Int, object: FakeObject)] = [:]
        var history: [Change] = []
        var installed = true
        var forcedListStatus: Int?
        /// Answers the next watch requests with this status (and a Status body) instead of a stream, once each.
        var forcedWatchStatuses: [Int] = []
        /// Raw JSON values appended to the items of every list page (hostile input).
        var extraListItems: [String] = []
    }

    private struct Watcher: Sendable {
        var path: String
        var channel: any Channel
    }

    /// What a test can wait for: the requests so far and the watches open now, by path.
    struct Observation: Sendable {
        var requests: [RecordedRequest]
        var openWatches: [String: Int]
    }

    private struct RequestWaiter: Sendable {
        var predicate: @Sendable (Observation) -> Bool
        var continuation: CheckedContinuation<Observation, Never>
    }

    private struct State: Sendable {
        var resourceVersion = 100
        var collections: [String: Collection] = [
            FakeKubernetesAPIServer.services: Collection(kind: "Service"),
            FakeKubernetesAPIServer.bindings: Collection(kind: "TargetGroupBinding"),
        ]
        /// Watches from a resourceVersion below this get ERROR 410.
        var compactedBelow = 0
        var acceptedTokens: Set<String>
        var acceptsClientCertificates = false
        var expiringContinueTokens = 0
        var maximumPageSize = 500
        var requests: [RecordedRequest] = []
        var requestWaiters: [Int: RequestWaiter] = [:]
        var nextWaiterID = 0
        var watchers: [ObjectIdentifier: Watcher] = [:]
        var connections: [ObjectIdentifier: any Channel] = [:]
        var port = 0
        /// Between ``stop()`` and ``restart()``: connections are closed as soon as they are accepted.
        var isAway = false

        var observation: Observation {
            var openWatches: [String: Int] = [:]
            for watcher in watchers.values { openWatches[watcher.path, default: 0] += 1 }
            return Observation(requests: requests, openWatches: openWatches)
        }
    }

    private let state: Mutex<State>
    private let tlsContext: NIOSSLContext?
    /// The port, the same on every address, known once the first listener is bound.
    var port: Int { state.withLock { $0.port } }

    /// The addresses listened on: 127.0.0.1, and the extra loopback addresses the test asked for.
    let hosts: [String]

    /// `http(s)://127.0.0.1:PORT`.
    var baseURL: String { url(host: "127.0.0.1") }

    /// The server's URL through one of its loopback addresses.
    func url(host: String) -> String { "\(tlsContext == nil ? "http" : "https")://\(host):\(port)" }

    private init(hosts: [String], tlsContext: NIOSSLContext?, acceptedTokens: Set<String>) {
        self.hosts = hosts
        self.tlsContext = tlsContext
        self.state = Mutex(State(acceptedTokens: acceptedTokens))
    }

    /// Starts a server on an ephemeral port of 127.0.0.1 (and of `extraHosts`, e.g. 127.0.0.2: the same server
    /// under another address, which a certificate for 127.0.0.1 does not name).
    ///
    /// The listeners stay open for the life of the test process, so that no other test's server can take the port
    /// while this one is "away" (see ``stop()``).
    static func start(
        acceptedTokens: Set<String> = ["test-token"],
        tls: TLSConfiguration? = nil,
        extraHosts: [String] = []
    ) async throws -> FakeKubernetesAPIServer {
        let context = try tls.map { try NIOSSLContext(configuration: $0) }
        let server = FakeKubernetesAPIServer(
            hosts: ["127.0.0.1"] + extraHosts,
            tlsContext: context,
            acceptedTokens: acceptedTokens
        )
        let first = try await server.bind(host: "127.0.0.1", port: 0)
        guard let port = first.localAddress?.port else { throw ChannelError.unknownLocalAddress }
        server.state.withLock { $0.port = port }
        for host in extraHosts { _ = try await server.bind(host: host, port: port) }
        return server
    }

    /// Serves again, with the same objects, after ``stop()``.
    func restart() async throws {
        state.withLock { $0.isAway = false }
    }

    /// Goes away: every open connection is closed, and new ones are closed as soon as they are accepted, until
    /// ``restart()``. Clients see their watches cut and every request fail, as when an API server is down.
    func stop() async {
        let connections = state.withLock { state -> [any Channel] in
            state.isAway = true
            state.watchers = [:]
            return Array(state.connections.values)
        }
        for connection in connections { try? await connection.close() }
    }

    fileprivate var isAway: Bool { state.withLock { $0.isAway } }

    private func bind(host: String, port: Int) async throws -> any Channel {
        let tlsContext = self.tlsContext
        return try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                guard !self.isAway else { return channel.close() }
                return channel.eventLoop.makeCompletedFuture {
                    if let tlsContext {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tlsContext))
                    }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(ConnectionHandler(server: self))
                }
            }
            .bind(host: host, port: port).get()
    }

    // MARK: - Test controls

    /// Adds or changes an object (ADDED or MODIFIED to watchers); returns its new resourceVersion.
    @discardableResult
    func upsert(_ path: String, _ object: FakeObject) -> Int {
        change(path) { collection, resourceVersion in
            let type = collection.objects[object.key] == nil ? "ADDED" : "MODIFIED"
            collection.objects[object.key] = (resourceVersion, object)
            return (type, object.json(kind: collection.kind, resourceVersion: resourceVersion))
        }
    }

    /// Deletes an object (DELETED to watchers); returns the resourceVersion of the deletion.
    @discardableResult
    func delete(_ path: String, namespace: String, name: String) -> Int {
        change(path) { collection, resourceVersion in
            let removed = collection.objects.removeValue(forKey: "\(namespace)/\(name)")
            let object = removed?.object ?? FakeObject(namespace: namespace, name: name, members: "")
            return ("DELETED", object.json(kind: collection.kind, resourceVersion: resourceVersion))
        }
    }

    /// Sends a BOOKMARK with a new resourceVersion to the collection's watchers; returns that resourceVersion.
    @discardableResult
    func bookmark(_ path: String) -> Int {
        state.withLock { state in
            state.resourceVersion += 1
            let kind = state.collections[path]?.kind ?? "Unknown"
            let line = """
                {"type":"BOOKMARK","object":{"kind":"\(kind)","apiVersion":"v1","metadata":\
                {"resourceVersion":"\(state.resourceVersion)","annotations":{"k8s.io/initial-events-end":"true"}}}}
                """
            Self.send(line, to: state.watchers.values.filter { $0.path == path })
            return state.resourceVersion
        }
    }

    /// Sends a raw line (anything, even not JSON) to the collection's current watchers, not kept in the history.
    func sendRaw(_ path: String, _ line: String) {
        state.withLock { state in Self.send(line, to: state.watchers.values.filter { $0.path == path }) }
    }

    /// Sends an ERROR event with this code to the collection's watchers and ends their watches, as the server does.
    func sendError(_ path: String, code: Int) {
        let line = """
            {"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",\
            "message":"too old resource version","reason":"\(code == 410 ? "Expired" : "InternalError")","code":\(code)}}
            """
        state.withLock { state in
            let watchers = state.watchers.filter { $0.value.path == path }
            Self.send(line, to: Array(watchers.values))
            for (id, watcher) in watchers {
                state.watchers[id] = nil
                Self.write(.end(nil), flush: true, on: watcher.channel)
            }
        }
    }

    /// Ends every open watch normally (as the server does at `timeoutSeconds`).
    func endWatches(_ path: String? = nil) {
        state.withLock { state in
            for (id, watcher) in state.watchers where path == nil || watcher.path == path {
                state.watchers[id] = nil
                Self.write(.end(nil), flush: true, on: watcher.channel)
            }
        }
    }

    /// From now on, watches from a resourceVersion older than the current one get ERROR 410.
    func compact() {
        state.withLock { $0.compactedBelow = $0.resourceVersion }
    }

    func setAcceptedTokens(_ tokens: Set<String>) { state.withLock { $0.acceptedTokens = tokens } }
    func setAcceptsClientCertificates(_ accepts: Bool) { state.withLock { $0.acceptsClientCertificates = accepts } }
    func setInstalled(_ path: String, _ installed: Bool) {
        state.withLock { $0.collections[path]?.installed = installed }
    }
    /// The next watch requests of `path` are answered with these statuses, one each, before streams resume.
    func forceWatchStatuses(_ path: String, _ statuses: [Int]) {
        state.withLock { $0.collections[path]?.forcedWatchStatuses = statuses }
    }
    func setForcedListStatus(_ path: String, _ status: Int?) {
        state.withLock { $0.collections[path]?.forcedListStatus = status }
    }
    func setExtraListItems(_ path: String, _ items: [String]) {
        state.withLock { $0.collections[path]?.extraListItems = items }
    }
    /// The next `count` requests that carry a continue token get 410 Expired.
    func expireContinueTokens(count: Int) { state.withLock { $0.expiringContinueTokens = count } }
    func setMaximumPageSize(_ size: Int) { state.withLock { $0.maximumPageSize = size } }

    var requests: [RecordedRequest] { state.withLock { $0.requests } }
    func openWatchCount(_ path: String) -> Int { state.withLock { $0.observation.openWatches[path] ?? 0 } }
    var currentResourceVersion: Int { state.withLock { $0.resourceVersion } }

    /// Waits until the requests and open watches satisfy `predicate` (at once if they already do), or the task is
    /// cancelled.
    @discardableResult
    func waitForObservation(
        where predicate: @escaping @Sendable (Observation) -> Bool
    ) async -> Observation {
        let id = state.withLock { state -> Int in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let immediate = state.withLock { state -> Observation? in
                    if predicate(state.observation) || Task.isCancelled { return state.observation }
                    state.requestWaiters[id] = RequestWaiter(predicate: predicate, continuation: continuation)
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                state.requestWaiters.removeValue(forKey: id).map { ($0.continuation, state.observation) }
            }
            if let (continuation, observation) = waiter { continuation.resume(returning: observation) }
        }
    }

    // MARK: - Serving

    private func change(_ path: String, _ body: (inout Collection, Int) -> (String, String)) -> Int {
        state.withLock { state in
            guard var collection = state.collections[path] else { return state.resourceVersion }
            state.resourceVersion += 1
            let (type, json) = body(&collection, state.resourceVersion)
            collection.history.append(Change(resourceVersion: state.resourceVersion, type: type, json: json))
            state.collections[path] = collection
            Self.send("{\"type\":\"\(type)\",\"object\":\(json)}", to: state.watchers.values.filter { $0.path == path })
            return state.resourceVersion
        }
    }

    private static func send(_ line: String, to watchers: [Watcher]) {
        for watcher in watchers {
            let buffer = watcher.channel.allocator.buffer(string: line + "\n")
            write(.body(.byteBuffer(buffer)), flush: true, on: watcher.channel)
        }
    }

    /// Every write is queued on the channel's event loop, even from the loop itself: the caller may hold the state
    /// lock, and a write that fails can close the channel, whose handler takes the lock again. The loop runs queued
    /// writes in order, so a watch's history goes out before the events that follow it.
    private static func write(_ part: HTTPServerResponsePart, flush: Bool, on channel: any Channel) {
        channel.eventLoop.execute {
            if flush {
                channel.writeAndFlush(part, promise: nil)
            } else {
                channel.write(part, promise: nil)
            }
        }
    }

    fileprivate func connectionOpened(_ channel: any Channel) {
        state.withLock { $0.connections[ObjectIdentifier(channel)] = channel }
    }

    fileprivate func connectionClosed(_ channel: any Channel) {
        let resumed = state.withLock { state in
            state.connections[ObjectIdentifier(channel)] = nil
            state.watchers[ObjectIdentifier(channel)] = nil
            return Self.readyWaiters(&state)
        }
        for (continuation, observation) in resumed { continuation.resume(returning: observation) }
    }

    private static func readyWaiters(_ state: inout State) -> [(CheckedContinuation<Observation, Never>, Observation)] {
        var resumed: [(CheckedContinuation<Observation, Never>, Observation)] = []
        let observation = state.observation
        for (id, waiter) in state.requestWaiters where waiter.predicate(observation) {
            resumed.append((waiter.continuation, observation))
            state.requestWaiters[id] = nil
        }
        return resumed
    }

    /// Answers one request on `channel` (on its event loop).
    fileprivate func serve(_ head: HTTPRequestHead, clientCertificatePresented: Bool, on channel: any Channel) {
        // A connection accepted just before the server went away is cut at its first request.
        guard !isAway else {
            channel.close(promise: nil)
            return
        }
        let (path, query) = Self.split(head.uri)
        let authorization = head.headers.first(name: "Authorization")
        let resumed = state.withLock { state -> [(CheckedContinuation<Observation, Never>, Observation)] in
            let status = respond(
                &state,
                path: path,
                query: query,
                authorization: authorization,
                clientCertificatePresented: clientCertificatePresented,
                channel: channel
            )
            state.requests.append(
                RecordedRequest(path: path, query: query, authorization: authorization, status: status)
            )
            return Self.readyWaiters(&state)
        }
        for (continuation, requests) in resumed { continuation.resume(returning: requests) }
    }

    /// Writes the answer; returns its status code.
    private func respond(
        _ state: inout State,
        path: String,
        query: [String: String],
        authorization: String?,
        clientCertificatePresented: Bool,
        channel: any Channel
    ) -> Int {
        let tokenAccepted = authorization.map { state.acceptedTokens.contains(String($0.dropFirst("Bearer ".count))) }
        let authenticated =
            (authorization?.hasPrefix("Bearer ") == true && tokenAccepted == true)
            || (state.acceptsClientCertificates && clientCertificatePresented)
        guard authenticated else {
            Self.writeStatus(401, reason: "Unauthorized", message: "Unauthorized", on: channel)
            return 401
        }
        guard let collection = state.collections[path], collection.installed else {
            Self.writeStatus(
                404,
                reason: "NotFound",
                message: "the server could not find the requested resource",
                on: channel
            )
            return 404
        }
        if query["watch"] == "1" || query["watch"] == "true" {
            if let forced = collection.forcedWatchStatuses.first {
                state.collections[path]?.forcedWatchStatuses.removeFirst()
                Self.writeStatus(
                    forced,
                    reason: forced == 410 ? "Expired" : "Forced",
                    message: "forced watch status",
                    on: channel
                )
                return forced
            }
            let from = query["resourceVersion"].flatMap { Int($0) } ?? 0
            Self.writeHead(200, chunked: true, on: channel)
            if from < state.compactedBelow {
                let line = """
                    {"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",\
                    "message":"too old resource version: \(from) (\(state.compactedBelow))","reason":"Expired","code":410}}
                    """
                Self.send(line, to: [Watcher(path: path, channel: channel)])
                Self.write(.end(nil), flush: true, on: channel)
                return 200
            }
            for change in collection.history where change.resourceVersion > from {
                Self.send(
                    "{\"type\":\"\(change.type)\",\"object\":\(change.json)}",
                    to: [Watcher(path: path, channel: channel)]
                )
            }
            state.watchers[ObjectIdentifier(channel)] = Watcher(path: path, channel: channel)
            return 200
        }
        if let forced = collection.forcedListStatus {
            Self.writeStatus(forced, reason: "Forced", message: "forced by the test", on: channel)
            return forced
        }
        var offset = 0
        if let token = query["continue"] {
            if state.expiringContinueTokens > 0 {
                state.expiringContinueTokens -= 1
                Self.writeStatus(
                    410,
                    reason: "Expired",
                    message: "The provided continue parameter is too old",
                    on: channel
                )
                return 410
            }
            offset = Int(token.split(separator: "-").last ?? "") ?? 0
        }
        let limit = min(max(Int(query["limit"] ?? "") ?? state.maximumPageSize, 1), state.maximumPageSize)
        let keys = collection.objects.keys.sorted()
        let page = keys.dropFirst(offset).prefix(limit)
        let items =
            page.compactMap { key in
                collection.objects[key].map {
                    $0.object.json(kind: collection.kind, resourceVersion: $0.resourceVersion)
                }
            } + collection.extraListItems
        let next = offset + page.count < keys.count ? "rv\(state.resourceVersion)-\(offset + page.count)" : ""
        let body = """
            {"kind":"\(collection.kind)List","apiVersion":"v1","metadata":{"resourceVersion":"\(state.resourceVersion)",\
            "continue":"\(next)"},"items":[\(items.joined(separator: ","))]}
            """
        Self.writeWhole(200, body: body, on: channel)
        return 200
    }

    private static func writeStatus(_ code: Int, reason: String, message: String, on channel: any Channel) {
        let body = """
            {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":\(jsonString(message)),\
            "reason":"\(reason)","code":\(code)}
            """
        writeWhole(code, body: body, on: channel)
    }

    private static func writeWhole(_ code: Int, body: String, on channel: any Channel) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Content-Length", value: String(body.utf8.count))
        let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: code), headers: headers)
        write(.head(head), flush: false, on: channel)
        write(.body(.byteBuffer(channel.allocator.buffer(string: body))), flush: false, on: channel)
        write(.end(nil), flush: true, on: channel)
    }

    private static func writeHead(_ code: Int, chunked: Bool, on channel: any Channel) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        if chunked { headers.add(name: "Transfer-Encoding", value: "chunked") }
        let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: code), headers: headers)
        write(.head(head), flush: true, on: channel)
    }

    /// The path and the decoded query parameters of a request URI.
    static func split(_ uri: String) -> (String, [String: String]) {
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var query: [String: String] = [:]
        if parts.count > 1 {
            for pair in parts[1].split(separator: "&") {
                let keyValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let value = keyValue.count > 1 ? String(keyValue[1]) : ""
                query[String(keyValue[0])] = value.removingPercentEncoding ?? value
            }
        }
        return (String(parts.first ?? ""), query)
    }
}

/// One connection: hands each complete request to the server; tells it when the connection closes.
private final class ConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let server: FakeKubernetesAPIServer
    private var head: HTTPRequestHead?

    init(server: FakeKubernetesAPIServer) { self.server = server }

    func channelActive(context: ChannelHandlerContext) {
        server.connectionOpened(context.channel)
        context.fireChannelActive()
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { server.connectionOpened(context.channel) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        server.connectionClosed(context.channel)
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body:
            break
        case .end:
            guard let head else { return }
            self.head = nil
            server.serve(
                head,
                clientCertificatePresented: Self.peerPresentedCertificate(context),
                on: context.channel
            )
        }
    }

    /// Whether the TLS peer sent a certificate (the server verifies it against the CA when it does).
    private static func peerPresentedCertificate(_ context: ChannelHandlerContext) -> Bool {
        guard let handler = try? context.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self) else {
            return false
        }
        return handler.peerCertificate != nil
    }
}
