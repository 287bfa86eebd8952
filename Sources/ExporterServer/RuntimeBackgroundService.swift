import KubernetesAPI
import ResourceTags
import ScrapePipeline
public import ServiceLifecycle

/// Runs work that lives beside the scrapes of the runtime in force, off the scrape path, and moves it to the next
/// runtime a reload brings when that runtime brings other owners of the work (a kept tag cache or Kubernetes source
/// goes on undisturbed). A shutdown cancels the work and waits for it, so a silent AWS or API server cannot hold the
/// process past SIGTERM.
public struct RuntimeBackgroundService: Service {
    private let state: ExporterState
    private let owners: @Sendable (ExporterRuntime) -> [ObjectIdentifier]
    private let work: @Sendable (ExporterRuntime) async -> Void

    /// Runs `work` for each runtime whose `owners` differ from the running work's.
    public init(
        state: ExporterState,
        owners: @escaping @Sendable (ExporterRuntime) -> [ObjectIdentifier],
        work: @escaping @Sendable (ExporterRuntime) async -> Void
    ) {
        self.state = state
        self.owners = owners
        self.work = work
    }

    /// Keeps every target's load balancer tag cache fresh: each refreshes when it is due
    /// (``LoadBalancerTagCache/keepFresh()`` sleeps until then); a new target, or changed tag settings, brings a
    /// cache that starts from the tags known so far.
    public static func tagRefresh(_ state: ExporterState) -> Self {
        Self(state: state) { runtime in
            runtime.collector.services.map { ObjectIdentifier($0.tagCache) }
        } work: { runtime in
            await withTaskGroup(of: Void.self) { group in
                for cache in runtime.collector.services.map(\.tagCache) where !cache.kinds.isEmpty {
                    group.addTask { await cache.keepFresh() }
                }
            }
        }
    }

    /// Runs the Kubernetes API source (its lists and watches) when the config turns it on. A scrape only reads the
    /// source's snapshot: it never waits for the API server.
    public static func kubernetesWatch(_ state: ExporterState) -> Self {
        Self(state: state) { runtime in
            runtime.collector.kubernetes.map { [ObjectIdentifier($0)] } ?? []
        } work: { runtime in
            await runtime.collector.kubernetes?.run()
        }
    }

    public func run() async throws {
        let runtimes = state.runtimes()
        let last = await cancelWhenGracefulShutdown { () -> Task<Void, Never>? in
            var running: (owners: [ObjectIdentifier], task: Task<Void, Never>)?
            for await runtime in runtimes {
                let owners = owners(runtime)
                guard owners != running?.owners else { continue }
                running?.task.cancel()
                running = (owners, Task { await work(runtime) })
            }
            return running?.task
        }
        last?.cancel()
        await last?.value
    }
}
