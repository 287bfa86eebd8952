import CloudWatchCollector
import ExporterConfig
import Foundation
import Logging
public import ServiceLifecycle

/// Refreshes the load balancer tag cache every `tag_labels.cache_ttl_seconds`, off the scrape path, and at once after
/// a reload that changed the AWS account or region (a new tag cache), the endpoints, or the load balancer kinds that
/// need tags.
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
        var lastCache: ObjectIdentifier?
        var lastKinds: Set<LoadBalancerAPIKind> = []
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let runtime = state.current
            let collector = runtime.collector
            let kinds = collector.loadBalancerAPIKinds
            let ttl = Duration.seconds(runtime.config.tagLabels.cacheTTLSeconds)
            let due = lastRefresh.map { ContinuousClock.now - $0 >= ttl } ?? true
            // A reload that changed region, role or AWS settings builds a new, empty tag cache: fill it now, not a
            // TTL later (every scrape until then would wait for tags and export none).
            let reloaded = lastCache != ObjectIdentifier(collector.tagCache) || kinds != lastKinds
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
            lastCache = ObjectIdentifier(collector.tagCache)
            lastKinds = kinds
            // Short naps, so a reload or a shutdown is noticed within a second.
            try? await Task.sleep(for: .seconds(1))
        }
    }
}
