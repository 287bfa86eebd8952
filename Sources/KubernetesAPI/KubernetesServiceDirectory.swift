import FoundationEssentials
import Logging
import NIOSSL
import Synchronization

/// Follows Services and TargetGroupBindings on a Kubernetes API server and keeps the small mapping the exporter
/// labels load balancer and target group samples with.
///
/// ``run()`` lists and watches both resources until its task is cancelled. Readers take ``snapshot``: a value read
/// under a short lock, never an `await`, so a scrape is never delayed by the API server. When the server cannot be
/// reached the last mapping stays, and the snapshot's statuses say since when it has been failing and why.
///
/// ```swift
/// let access = try KubernetesAccess.inCluster(environment: ProcessInfo.processInfo.environment)
/// let directory = try KubernetesServiceDirectory(
///     configuration: .init(access: access, serviceLabelAllowlist: ["app.kubernetes.io/name", "team"]),
///     logger: logger
/// )
/// // in a task group or a ServiceLifecycle service:
/// await directory.run()
/// // at scrape time:
/// let service = directory.snapshot.service(forLoadBalancerDNSName: loadBalancer.dnsName)
/// ```
public final class KubernetesServiceDirectory: Sendable {
    private struct Waiter {
        var predicate: @Sendable (KubernetesDirectorySnapshot) -> Bool
        var continuation: CheckedContinuation<KubernetesDirectorySnapshot, Never>
    }

    private struct State {
        var snapshot: KubernetesDirectorySnapshot
        var waiters: [UInt64: Waiter] = [:]
        var nextWaiterID: UInt64 = 0
    }

    private enum Resource: String {
        case services
        case targetGroupBindings = "targetgroupbindings"

        /// The resource's status in the snapshot.
        var status: WritableKeyPath<KubernetesDirectorySnapshot, KubernetesSyncStatus> {
            switch self {
            case .services: \.serviceStatus
            case .targetGroupBindings: \.targetGroupBindingStatus
            }
        }
    }

    /// What this directory was built with.
    public let configuration: KubernetesDirectoryConfiguration

    private let timing: KubernetesWatchTiming
    private let logger: Logger
    private let tlsConfiguration: TLSConfiguration?
    private let token: BearerTokenSource?
    private let state: Mutex<State>
    private let counters = Mutex(KubernetesAPIStatistics())
    private let isRunning = Mutex(false)

    /// Creates a directory; nothing is requested until ``run()``.
    /// - Parameters:
    ///   - configuration: The API server, the label allowlist and the protocol settings.
    ///   - logger: Where progress is logged (at info and below; never a token).
    ///   - timing: The clock, sleeps and randomness; ``KubernetesWatchTiming/live`` outside tests.
    /// - Throws: ``KubernetesAccessError`` when the TLS material does not parse.
    public init(
        configuration: KubernetesDirectoryConfiguration,
        logger: Logger,
        timing: KubernetesWatchTiming = .live
    ) throws(KubernetesAccessError) {
        self.configuration = configuration
        self.timing = timing
        self.logger = logger
        self.tlsConfiguration = try configuration.access.makeTLSConfiguration()
        self.token = configuration.access.credentials.bearerToken.map { BearerTokenSource($0, now: timing.now) }
        self.state = Mutex(
            State(
                snapshot: KubernetesDirectorySnapshot(
                    watchesTargetGroupBindings: configuration.watchesTargetGroupBindings
                )
            )
        )
    }

    /// The current mapping and statuses. Cheap: a copy of a value (its storage is shared until the next change).
    public var snapshot: KubernetesDirectorySnapshot {
        state.withLock { $0.snapshot }
    }

    /// The request, restart and relist counters so far.
    public var statistics: KubernetesAPIStatistics {
        counters.withLock { $0 }
    }

    /// Lists and watches Services (and TargetGroupBindings, unless turned off) until the calling task is cancelled,
    /// then closes its connections and returns. Failures never end it: they are retried with backoff and reported
    /// in the snapshot's statuses.
    ///
    /// Call it once; a second call while one is running returns at once.
    public func run() async {
        let started = isRunning.withLock { running in
            defer { running = true }
            return !running
        }
        guard started else {
            logger.info("Kubernetes directory is already running; ignoring a second run()")
            return
        }
        defer { isRunning.withLock { $0 = false } }

        let longestWatch = Duration.seconds(min(max(configuration.watchTimeoutSeconds.upperBound, 1), 3600))
        let client = KubernetesHTTPClient(
            server: configuration.access.server,
            tlsConfiguration: tlsConfiguration,
            token: token,
            connectTimeout: configuration.requestTimeout,
            // The server ends a watch after its timeoutSeconds; a minute more without a byte means it is gone.
            idleReadTimeout: longestWatch + .seconds(60),
            logger: logger
        )
        logger.info(
            "Following Kubernetes Services",
            metadata: [
                "kubernetes.server": "\(configuration.access.serverURL)",
                "kubernetes.origin": "\(configuration.access.origin)",
                "kubernetes.targetGroupBindings": "\(configuration.watchesTargetGroupBindings)",
            ]
        )
        let settings = ResourceWatchSettings(
            pageSize: configuration.pageSize,
            watchTimeoutSeconds: configuration.watchTimeoutSeconds,
            requestTimeout: configuration.requestTimeout,
            backoff: configuration.backoff,
            notInstalledRetryInterval: configuration.notInstalledRetryInterval,
            maximumMessageBytes: configuration.maximumMessageBytes
        )
        let services = ResourceWatch(
            resource: ServiceResource(labelAllowlist: configuration.serviceLabelAllowlist),
            client: client,
            settings: settings,
            timing: timing,
            sink: sink(.services, table: \.serviceTable),
            logger: logger(for: .services)
        )
        let bindings = ResourceWatch(
            resource: TargetGroupBindingResource(),
            client: client,
            settings: settings,
            timing: timing,
            sink: sink(.targetGroupBindings, table: \.bindingTable),
            logger: logger(for: .targetGroupBindings)
        )
        let watchesBindings = configuration.watchesTargetGroupBindings
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await services.run() }
            if watchesBindings { group.addTask { await bindings.run() } }
        }
        await client.shutdown()
        logger.info("Stopped following Kubernetes Services")
    }

    // MARK: - Updates from the watches

    private func logger(for resource: Resource) -> Logger {
        var logger = self.logger
        logger[metadataKey: "kubernetes.resource"] = "\(resource.rawValue)"
        return logger
    }

    /// Where a watch's lists and events go: the resource's table in the snapshot, its status and its counters.
    private func sink<Watched: WatchableResource>(
        _ resource: Resource,
        table: any WritableKeyPath<KubernetesDirectorySnapshot, ObjectTable<Watched.Record>> & Sendable
    ) -> ResourceWatch<Watched>.Sink where Watched.Record: IndexedRecord {
        ResourceWatch<Watched>.Sink(
            replaceAll: { records in
                // Index outside the lock; swap under it; free the old table after it.
                var replacement = ObjectTable(records)
                self.mutate { snapshot in
                    guard snapshot[keyPath: table].objects != replacement.objects else { return false }
                    swap(&snapshot[keyPath: table], &replacement)
                    snapshot[keyPath: resource.status].objectCount = snapshot[keyPath: table].objects.count
                    return true
                }
            },
            apply: { name, record in
                self.mutate { snapshot in
                    guard snapshot[keyPath: table].set(name, record) else { return false }
                    snapshot[keyPath: resource.status].objectCount = snapshot[keyPath: table].objects.count
                    return true
                }
            },
            report: { self.report($0, resource) },
            count: { self.count($0, resource: resource.rawValue) }
        )
    }

    /// Moves the resource's status on; logs state changes at info.
    private func report(_ report: ResourceWatchReport, _ resource: Resource) {
        let now = timing.now()
        var transition: (from: KubernetesSyncStatus.State, to: KubernetesSyncStatus.State)?
        mutate { snapshot in
            var status = snapshot[keyPath: resource.status]
            let before = status
            switch report {
            case .listed:
                if status.state != .synced { status.syncedSince = now }
                status.state = .synced
                status.lastListAt = now
                status.failingSince = nil
                status.notInstalledSince = nil
            case .watching:
                // A watch that connects again after failures (the server came back) means synced again: the watch
                // resumes from the last resourceVersion, so nothing was missed.
                guard status.state == .failing else { break }
                status.state = .synced
                status.syncedSince = now
                status.failingSince = nil
            case .failed(let message):
                if status.state != .failing { status.failingSince = now }
                status.state = .failing
                status.syncedSince = nil
                status.notInstalledSince = nil
                status.lastError = message
                status.lastErrorAt = now
            case .notInstalled:
                if status.state != .notInstalled { status.notInstalledSince = now }
                status.state = .notInstalled
                status.syncedSince = nil
                status.failingSince = nil
            }
            guard status != before else { return false }
            if status.state != before.state { transition = (before.state, status.state) }
            snapshot[keyPath: resource.status] = status
            return true
        }
        if let transition {
            var metadata: Logger.Metadata = [
                "kubernetes.resource": "\(resource.rawValue)",
                "kubernetes.from": "\(transition.from.rawValue)",
                "kubernetes.to": "\(transition.to.rawValue)",
            ]
            if case .failed(let message) = report { metadata["error"] = "\(message)" }
            logger.info("Kubernetes sync state changed", metadata: metadata)
        }
    }

    private func count(_ count: ResourceWatchCount, resource: String) {
        counters.withLock { counters in
            switch count {
            case .request(let verb, let code):
                let key = KubernetesAPIStatistics.RequestKey(
                    verb: verb,
                    resource: resource,
                    code: code.map { String($0) } ?? "error"
                )
                counters.requests[key, default: 0] &+= 1
            case .watchRestart:
                counters.watchRestarts[resource, default: 0] &+= 1
            case .relist:
                counters.relists[resource, default: 0] &+= 1
            case .skipped(let number):
                counters.skippedObjects[resource, default: 0] &+= max(0, number)
            }
        }
    }

    /// Changes the snapshot under the lock; when `body` says it changed something, the version moves on and the
    /// waiters whose condition now holds are resumed (after the lock is released).
    private func mutate(_ body: (inout KubernetesDirectorySnapshot) -> Bool) {
        let ready = state.withLock {
            state -> [(CheckedContinuation<KubernetesDirectorySnapshot, Never>, KubernetesDirectorySnapshot)] in
            guard body(&state.snapshot) else { return [] }
            state.snapshot.version &+= 1
            guard !state.waiters.isEmpty else { return [] }
            var ready: [(CheckedContinuation<KubernetesDirectorySnapshot, Never>, KubernetesDirectorySnapshot)] = []
            for (id, waiter) in state.waiters where waiter.predicate(state.snapshot) {
                ready.append((waiter.continuation, state.snapshot))
                state.waiters[id] = nil
            }
            return ready
        }
        for (continuation, snapshot) in ready { continuation.resume(returning: snapshot) }
    }

    // MARK: - Waiting (tests, readiness)

    /// Waits until the snapshot satisfies `predicate` and returns that snapshot; returns the current snapshot at
    /// once if it already does, or if the task is cancelled.
    func waitForSnapshot(
        where predicate: @escaping @Sendable (KubernetesDirectorySnapshot) -> Bool
    ) async -> KubernetesDirectorySnapshot {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiterID &+= 1
            return state.nextWaiterID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let immediate = state.withLock { state -> KubernetesDirectorySnapshot? in
                    if predicate(state.snapshot) || Task.isCancelled { return state.snapshot }
                    state.waiters[id] = Waiter(predicate: predicate, continuation: continuation)
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let cancelled = state.withLock { state in
                state.waiters.removeValue(forKey: id).map { ($0.continuation, state.snapshot) }
            }
            if let (continuation, snapshot) = cancelled { continuation.resume(returning: snapshot) }
        }
    }
}
