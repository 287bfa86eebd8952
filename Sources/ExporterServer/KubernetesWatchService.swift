import KubernetesAPI
import ScrapePipeline
public import ServiceLifecycle

/// Runs the Kubernetes API source of the runtime in force (its lists and watches), and the next one when a reload
/// brings a different one; nothing when the config leaves the source off. A scrape only reads the source's
/// snapshot: it never waits for the API server.
public struct KubernetesWatchService: Service {
    private let state: ExporterState

    /// Creates the service for `state`.
    public init(state: ExporterState) {
        self.state = state
    }

    public func run() async throws {
        let runtimes = state.runtimes()
        // Cancelled by a shutdown; the watches then close their connections within a second.
        let last = await cancelWhenGracefulShutdown { () -> Task<Void, Never>? in
            var running: (directory: ObjectIdentifier, task: Task<Void, Never>)?
            for await runtime in runtimes {
                let directory = runtime.collector.kubernetes
                guard directory.map(ObjectIdentifier.init) != running?.directory else { continue }
                running?.task.cancel()
                running = directory.map { directory in (ObjectIdentifier(directory), Task { await directory.run() }) }
            }
            return running?.task
        }
        last?.cancel()
        await last?.value
    }
}
