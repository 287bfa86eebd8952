import CloudWatchCollector
import ExporterConfig
import Foundation
import Logging
public import ServiceLifecycle

/// Refreshes the load balancer tag cache every `tag_labels.cache_ttl_seconds`, off the scrape path, and at once after
/// a reload that changed the AWS client or the namespaces that need tags.
public struct TagRefreshService: Service {
    private let state: ExporterState
    private let now: @Sendable () -> Date

    /// Creates the service for `state`.
    public init(state: ExporterState, now: @escaping @Sendable () -> Date = Date.init) {
        self.state = state
        self.now = now
    }

    public func run() async throws {
        var lastRefresh: ContinuousClock.Instant?
        var lastCollector: ObjectIdentifier?
        var lastKinds: Set<LoadBalancerAPIKind> = []
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let runtime = state.current
            let collector = runtime.collector
            let kinds = collector.loadBalancerAPIKinds
            let ttl = Duration.seconds(runtime.config.tagLabels.cacheTTLSeconds)
            let due = lastRefresh.map { ContinuousClock.now - $0 >= ttl } ?? true
            let reloaded = lastCollector != ObjectIdentifier(collector) && kinds != lastKinds
            if !kinds.isEmpty, due || reloaded {
                // Cancelled by a shutdown, so a slow or silent AWS cannot hold the process past SIGTERM.
                await cancelWhenGracefulShutdown {
                    await collector.tagCache.refresh(
                        kinds,
                        apis: runtime.apis,
                        concurrency: runtime.config.maxConcurrentRequests,
                        metrics: self.state.factory.metrics,
                        now: self.now,
                        deadline: .now.advanced(by: .seconds(120)),
                        logger: self.state.factory.logger
                    )
                }
                lastRefresh = .now
            }
            lastCollector = ObjectIdentifier(collector)
            lastKinds = kinds
            // Short naps, so a reload or a shutdown is noticed within a second.
            try? await Task.sleep(for: .seconds(1))
        }
    }
}
