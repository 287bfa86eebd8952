import AsyncHTTPClient
import FoundationEssentials
import Logging
import NIOCore
import NIOHTTP1

/// Follows one resource with the API's list-then-watch protocol, until its task is cancelled.
///
/// - The list is paged (`limit`, `continue`); a 410 on a continue token (the snapshot expired) starts the list
///   over. All pages are gathered before the records are replaced, so a list that fails halfway changes nothing.
/// - The watch starts from the list's `resourceVersion`, with `allowWatchBookmarks=true` and a `timeoutSeconds`
///   drawn at random from the configured range. Every event and bookmark moves the resourceVersion; when the server
///   ends the watch, the next one starts from there. A 410 (as the response or as an `ERROR` event) means the
///   server no longer has that version: list again.
/// - Failures back off (capped exponential with jitter) and keep the records; a watch reconnects from the last
///   resourceVersion seen, a failed list is retried whole. A 404 on a resource that may be absent reports it not
///   installed and looks again after ``ResourceWatchSettings/notInstalledRetryInterval``.
/// - Watches that end without delivering a single event or bookmark back off too, so a server that closes watches
///   at once, or answers them with garbage or errors, cannot make the loop spin.
struct ResourceWatch<Resource: WatchableResource>: Sendable {
    /// Where records, reports and counts go.
    struct Sink: Sendable {
        var replaceAll: @Sendable ([KubernetesObjectName: Resource.Record]) -> Void
        var apply: @Sendable (KubernetesObjectName, Resource.Record?) -> Void
        var report: @Sendable (ResourceWatchReport) -> Void
        var count: @Sendable (ResourceWatchCount) -> Void
    }

    private enum WatchOutcome {
        /// The server ended the stream.
        case ended
        /// 410 Gone: the resourceVersion is too old; list again.
        case expired
    }

    /// Where a watch got to, kept even when it fails halfway.
    private struct WatchProgress {
        var resourceVersion: String
        /// Whether a well-formed event arrived: only then is the connection known to work (garbage does not count,
        /// so a server that answers every watch with garbage is retried with a growing backoff).
        var deliveredEvents = false
    }

    private struct NotInstalled: Error {}

    /// A resourceVersion is an opaque string, in practice a decimal number; longer ones are not believed.
    private static var maximumResourceVersionLength: Int { 128 }

    let resource: Resource
    let client: KubernetesHTTPClient
    let settings: ResourceWatchSettings
    let timing: KubernetesWatchTiming
    let sink: Sink
    let logger: Logger

    /// Lists and watches until the task is cancelled.
    func run() async {
        let decoder = JSONDecoder()
        resource.configure(decoder)
        var position: String?
        var hasListed = false
        var failures = 0
        var quietWatches = 0
        while !Task.isCancelled {
            do {
                let start: String
                if let position {
                    start = position
                    sink.count(.watchRestart)
                } else {
                    // Every list but the first is a relist: after 410, after a failed list, and each look for a
                    // resource that was not installed.
                    if hasListed { sink.count(.relist) }
                    hasListed = true
                    let listed = try await list(decoder: decoder)
                    sink.replaceAll(listed.records)
                    sink.report(.listed)
                    failures = 0
                    start = listed.resourceVersion
                    position = start
                    logger.debug(
                        "Listed",
                        metadata: [
                            "kubernetes.objects": "\(listed.records.count)", "kubernetes.resourceVersion": "\(start)",
                        ]
                    )
                }
                var progress = WatchProgress(resourceVersion: start)
                let outcome: WatchOutcome
                do {
                    outcome = try await watch(&progress, decoder: decoder)
                } catch {
                    position = progress.resourceVersion
                    if progress.deliveredEvents { failures = 0 }
                    throw error
                }
                position = progress.resourceVersion
                failures = 0
                switch outcome {
                case .expired:
                    logger.debug("Watch expired (410); listing again")
                    position = nil
                case .ended:
                    guard !progress.deliveredEvents else {
                        quietWatches = 0
                        continue
                    }
                    quietWatches += 1
                    try await timing.sleep(settings.backoff.delay(afterFailures: quietWatches, random: timing.random))
                }
            } catch {
                if Task.isCancelled { return }
                let wait: Duration
                if error is NotInstalled {
                    position = nil
                    failures = 0
                    sink.replaceAll([:])
                    sink.report(.notInstalled)
                    logger.debug("Not installed (404); looking again later")
                    wait = settings.notInstalledRetryInterval
                } else {
                    failures += 1
                    let message = String(describing: error)
                    sink.report(.failed(message))
                    logger.debug("List or watch failed", metadata: ["error": "\(message)", "failures": "\(failures)"])
                    wait = settings.backoff.delay(afterFailures: failures, random: timing.random)
                }
                do { try await timing.sleep(wait) } catch { return }
            }
        }
    }

    // MARK: - List

    private func list(
        decoder: JSONDecoder
    ) async throws -> (records: [KubernetesObjectName: Resource.Record], resourceVersion: String) {
        var records: [KubernetesObjectName: Resource.Record] = [:]
        var continueToken: String?
        var restarts = 0
        var pages = 0
        var skipped = 0
        defer { if skipped > 0 { sink.count(.skipped(skipped)) } }
        while pages < settings.maximumPages {
            pages += 1
            var query = [("limit", String(min(max(settings.pageSize, 1), 10_000)))]
            if let continueToken { query.append(("continue", continueToken)) }
            let sink = self.sink
            let response = try await client.get(
                path: resource.path,
                query: query,
                verb: "list",
                resource: resource.name,
                timeout: settings.requestTimeout,
                maximumBytes: settings.maximumMessageBytes,
                onAttempt: { sink.count(.request(verb: "list", code: $0)) }
            )
            switch response.status {
            case 200:
                break
            case 410 where continueToken != nil && restarts < settings.maximumListRestarts:
                // The snapshot the continue token pointed into is gone: the list must start over to be consistent.
                restarts += 1
                records = [:]
                continueToken = nil
                pages = 0
                skipped = 0
                continue
            case 404 where resource.mayBeAbsent:
                throw NotInstalled()
            default:
                throw KubernetesAPIError.status(
                    verb: "list",
                    resource: resource.name,
                    code: response.status,
                    message: Self.statusMessage(response.body, decoder: decoder)
                )
            }
            let page: ObjectList<Resource.Object>
            do {
                page = try decoder.decode(ObjectList<Resource.Object>.self, from: Data(response.body.readableBytesView))
            } catch {
                throw KubernetesAPIError.malformed(verb: "list", resource: resource.name, detail: Self.describe(error))
            }
            for item in page.items ?? [] {
                guard let object = item.value, let name = resource.metadata(of: object)?.objectName else {
                    skipped += 1
                    continue
                }
                if let record = resource.record(of: object, named: name) { records[name] = record }
            }
            let next = page.metadata?.continue ?? ""
            guard next.isEmpty else {
                continueToken = next
                continue
            }
            guard let resourceVersion = Self.plausible(page.metadata?.resourceVersion) else {
                throw KubernetesAPIError.malformed(
                    verb: "list",
                    resource: resource.name,
                    detail: "the list has no metadata.resourceVersion"
                )
            }
            return (records, resourceVersion)
        }
        throw KubernetesAPIError.tooManyPages(resource: resource.name, limit: settings.maximumPages)
    }

    // MARK: - Watch

    private func watch(_ progress: inout WatchProgress, decoder: JSONDecoder) async throws -> WatchOutcome {
        let sink = self.sink
        let response = try await client.openStream(
            path: resource.path,
            query: [
                ("watch", "1"),
                ("resourceVersion", progress.resourceVersion),
                ("allowWatchBookmarks", "true"),
                ("timeoutSeconds", String(watchTimeoutSeconds())),
            ],
            verb: "watch",
            resource: resource.name,
            headTimeout: settings.requestTimeout,
            onAttempt: { sink.count(.request(verb: "watch", code: $0)) }
        )
        let status = Int(response.status.code)
        guard status == 200 else {
            let body = try? await response.body.collect(upTo: KubernetesHTTPClient.errorBodyLimit)
            if status == 410 { return .expired }
            if status == 404 && resource.mayBeAbsent { throw NotInstalled() }
            throw KubernetesAPIError.status(
                verb: "watch",
                resource: resource.name,
                code: status,
                message: body.flatMap { Self.statusMessage($0, decoder: decoder) }
            )
        }
        sink.report(.watching)
        var splitter = BoundedLineSplitter(maximumLineBytes: settings.maximumMessageBytes)
        do {
            for try await chunk in response.body {
                for line in try splitter.lines(in: chunk) {
                    if try handle(line, &progress, decoder: decoder) == .expired { return .expired }
                }
            }
        } catch is BoundedLineSplitter.LineTooLong {
            throw KubernetesAPIError.tooLarge(
                verb: "watch",
                resource: resource.name,
                limit: settings.maximumMessageBytes
            )
        } catch let error as KubernetesAPIError {
            throw error
        } catch {
            throw KubernetesHTTPClient.mapped(error, verb: "watch", resource: resource.name)
        }
        if let last = splitter.finish() {
            if try handle(last, &progress, decoder: decoder) == .expired { return .expired }
        }
        return .ended
    }

    /// Applies one watch line; `.expired` when it was an `ERROR` 410.
    private func handle(
        _ line: [UInt8],
        _ progress: inout WatchProgress,
        decoder: JSONDecoder
    ) throws -> WatchOutcome? {
        let event: WatchEventLine<Resource.Object>.Event
        do {
            event = try decoder.decode(WatchEventLine<Resource.Object>.self, from: Data(line)).event
        } catch {
            throw KubernetesAPIError.malformed(verb: "watch", resource: resource.name, detail: Self.describe(error))
        }
        switch event {
        case .added(let object), .modified(let object), .deleted(let object):
            progress.deliveredEvents = true
            guard let object, let metadata = resource.metadata(of: object), let name = metadata.objectName else {
                sink.count(.skipped(1))
                return nil
            }
            if case .deleted = event {
                sink.apply(name, nil)
            } else {
                sink.apply(name, resource.record(of: object, named: name))
            }
            if let resourceVersion = Self.plausible(metadata.resourceVersion) {
                progress.resourceVersion = resourceVersion
            }
        case .bookmark(let resourceVersion):
            progress.deliveredEvents = true
            if let resourceVersion = Self.plausible(resourceVersion) { progress.resourceVersion = resourceVersion }
        case .error(let status):
            if status?.code == 410 { return .expired }
            throw KubernetesAPIError.watchError(resource: resource.name, code: status?.code, message: status?.summary)
        case .unknown:
            sink.count(.skipped(1))
        }
        return nil
    }

    /// A whole number of seconds from the configured range (clamped to 1...3600), chosen at random.
    private func watchTimeoutSeconds() -> Int {
        let lower = min(max(settings.watchTimeoutSeconds.lowerBound, 1), 3600)
        let upper = min(max(settings.watchTimeoutSeconds.upperBound, lower), 3600)
        let drawn = timing.random(Double(lower)...Double(upper))
        guard drawn.isFinite else { return lower }
        return Int(min(max(drawn.rounded(), Double(lower)), Double(upper)))
    }

    /// The resourceVersion if it is present, not empty and of a believable length.
    private static func plausible(_ resourceVersion: String?) -> String? {
        guard let resourceVersion, !resourceVersion.isEmpty,
            resourceVersion.utf8.count <= maximumResourceVersionLength
        else { return nil }
        return resourceVersion
    }

    /// The server's `Status` message in an error answer, if the body is one.
    private static func statusMessage(_ body: ByteBuffer, decoder: JSONDecoder) -> String? {
        guard body.readableBytes > 0 else { return nil }
        return (try? decoder.decode(APIStatusObject.self, from: Data(body.readableBytesView)))?.summary
    }

    /// A decoding error in a few words: what was wrong and where, never the data.
    private static func describe(_ error: any Error) -> String {
        guard let decodingError = error as? DecodingError else { return "not JSON" }
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty ? "the top level" : keys.joined(separator: ".")
        }
        switch decodingError {
        case .dataCorrupted(let context): return "not JSON (\(path(context)))"
        case .keyNotFound(let key, let context): return "\(key.stringValue) missing at \(path(context))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return "unexpected type at \(path(context))"
        @unknown default: return "not the expected JSON"
        }
    }
}
