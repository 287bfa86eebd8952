import ResourceTags
import ScrapePipeline
public import ServiceLifecycle

/// Keeps every target's load balancer tag cache fresh, off the scrape path: each cache refreshes when it is due
/// (``LoadBalancerTagCache/keepFresh()`` sleeps until then), and a reload's runtime brings its own caches (a new
/// target, or changed tag settings, starts from the tags known so far and refreshes when due).
public struct TagRefreshService: Service {
    private let state: ExporterState

    /// Creates the service for `state`.
    public init(state: ExporterState) {
        self.state = state
    }

    public func run() async throws {
        let runtimes = state.runtimes()
        // Cancelled by a shutdown, so a slow or silent AWS cannot hold the process past SIGTERM.
        await cancelWhenGracefulShutdown {
            var refreshing: Task<Void, Never>?
            for await runtime in runtimes {
                refreshing?.cancel()
                let caches = runtime.collector.services.map(\.tagCache)
                refreshing = Task { await Self.keepFresh(caches) }
            }
            refreshing?.cancel()
        }
    }

    private static func keepFresh(_ caches: [LoadBalancerTagCache]) async {
        await withTaskGroup(of: Void.self) { group in
            for cache in caches where !cache.kinds.isEmpty {
                group.addTask { await cache.keepFresh() }
            }
        }
    }
}
