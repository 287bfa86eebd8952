import ConfigFile
import Foundation
import Logging
import ScrapePipeline
public import ServiceLifecycle

/// Refreshes each target's load balancer tag cache every `tag_labels.cache_ttl_seconds`, off the scrape path, and at
/// once after a reload that added a target (a new region or account has a new, empty tag cache) or changed the load
/// balancer kinds that need tags.
public struct TagRefreshService: Service {
    private let state: ExporterState

    /// Creates the service for `state`.
    public init(state: ExporterState) {
        self.state = state
    }

    public func run() async throws {
        // Per target: when its tags were last refreshed, into which cache, for which load balancer kinds.
        var refreshed:
            [AWSTarget: (time: ContinuousClock.Instant, cache: ObjectIdentifier, kinds: Set<LoadBalancerAPIKind>)] =
                [:]
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let runtime = state.current
            let collector = runtime.collector
            let ttl = Duration.seconds(runtime.config.tagLabels.cacheTTLSeconds)
            let start = ContinuousClock.now
            var due: Set<AWSTarget> = []
            for service in collector.services {
                let kinds = collector.plan.loadBalancerKinds[service.target] ?? []
                guard !kinds.isEmpty else { continue }
                // A reload that added a target, or changed its kinds, brings a cache to fill now, not a TTL later
                // (every scrape until then would wait for tags and export none).
                guard let last = refreshed[service.target], last.cache == ObjectIdentifier(service.tagCache),
                    last.kinds == kinds, start - last.time < ttl
                else {
                    due.insert(service.target)
                    continue
                }
            }
            if !due.isEmpty {
                let targets = due
                // Cancelled by a shutdown, so a slow or silent AWS cannot hold the process past SIGTERM.
                await cancelWhenGracefulShutdown {
                    await collector.refreshTags(of: targets, deadline: .now.advanced(by: .seconds(120)))
                }
                for service in collector.services where targets.contains(service.target) {
                    refreshed[service.target] = (
                        start, ObjectIdentifier(service.tagCache),
                        collector.plan.loadBalancerKinds[service.target] ?? []
                    )
                }
            }
            // Short naps, so a reload or a shutdown is noticed within a second.
            try? await Task.sleep(for: .seconds(1))
        }
    }
}
