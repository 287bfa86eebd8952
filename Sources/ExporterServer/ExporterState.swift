import AWSCore
public import ConfigFile
import Exposition
public import Foundation
import Logging
import ScrapePipeline
import Synchronization

/// The live state of the server: the current runtime, reloads (serialised), and single-flight scrapes.
public final class ExporterState: Sendable {
    private let runtime: Mutex<ExporterRuntime>
    private let reloadLock = AsyncLimiter(limit: 1)
    private let scrapes = ScrapeCoordinator()
    /// Where the config is re-read from on reload.
    public let configPath: String
    /// Builds runtimes.
    public let factory: RuntimeFactory
    private let processMetrics = ProcessMetrics()
    private let lastConfigLoadRecord: Mutex<ConfigLoadRecord>
    /// When the process started (the wall clock), for the status page.
    public let startTime: Date

    /// Creates the state around the first runtime.
    /// - Parameter warnings: The warnings of the config read at start-up.
    public init(
        initial: ExporterRuntime,
        configPath: String,
        factory: RuntimeFactory,
        warnings: [ConfigDiagnostic] = [],
        now: Date = Date()
    ) {
        self.runtime = Mutex(initial)
        self.configPath = configPath
        self.factory = factory
        self.startTime = now
        self.lastConfigLoadRecord = Mutex(ConfigLoadRecord(trigger: .startUp, time: now, warnings: warnings))
    }

    /// The last reading of the config file: start-up, or the last reload and its result.
    public var lastConfigLoad: ConfigLoadRecord { lastConfigLoadRecord.withLock { $0 } }

    /// The runtime in force.
    public var current: ExporterRuntime { runtime.withLock { $0 } }

    /// Re-reads the config file; on success swaps in a new runtime, on failure keeps the old one and throws.
    /// - Returns: The warnings of the new config.
    @discardableResult
    public func reload() async throws -> [ConfigDiagnostic] {
        try await reloadLock.withSlot {
            factory.logger.info("Reloading configuration", metadata: ["config.file": "\(configPath)"])
            do {
                let loaded = try ConfigLoader.load(path: configPath)
                for warning in loaded.warnings {
                    factory.logger.warning("Config warning", metadata: ["diagnostic": "\(warning)"])
                }
                let next = try await factory.make(config: loaded.config, previous: current)
                runtime.withLock { $0 = next }
                lastConfigLoadRecord.withLock {
                    $0 = ConfigLoadRecord(trigger: .reload, time: Date(), warnings: loaded.warnings)
                }
                factory.logger.info(
                    "Configuration reloaded",
                    metadata: ["config.rules": "\(loaded.config.rules.count)"]
                )
                return loaded.warnings
            } catch {
                lastConfigLoadRecord.withLock {
                    $0 = ConfigLoadRecord(trigger: .reload, time: Date(), error: "\(error)")
                }
                factory.logger.warning(
                    "Configuration reload failed; the previous configuration stays in force",
                    metadata: ["error": "\(error)"]
                )
                throw error
            }
        }
    }

    /// Cancels the collection in flight and every later one (at shutdown).
    public func cancelCollections() {
        scrapes.cancelAll()
    }

    /// Scrapes (sharing an in-flight scrape of the same runtime) and returns every family of the response:
    /// CloudWatch, build info, counters and process metrics.
    public func scrape(deadline: ContinuousClock.Instant?) async -> [MetricFamily] {
        let runtime = current
        var families = await scrapes.scrape(runtime, deadline: deadline)
        families.append(BuildInfo.family)
        families += factory.metrics.families()
        families += processMetrics.families()
        return families
    }
}

/// Lets concurrent `/metrics` requests share one in-flight collection, so an HA pair of Prometheus servers (or a
/// retrying client) does not multiply AWS calls.
private final class ScrapeCoordinator: Sendable {
    private struct State {
        var inFlight: (collector: ObjectIdentifier, task: Task<[MetricFamily], any Error>)?
        var shuttingDown = false
    }

    private let state = Mutex(State())

    func scrape(_ runtime: ExporterRuntime, deadline: ContinuousClock.Instant?) async -> [MetricFamily] {
        let id = ObjectIdentifier(runtime.collector)
        let collector = runtime.collector
        let task: Task<[MetricFamily], any Error> = state.withLock { state in
            if let inFlight = state.inFlight, inFlight.collector == id { return inFlight.task }
            // Runs past its first request's deadline (for a while), so that the requests joining it later, and the
            // datapoint store, get what it fetches.
            let collectionDeadline = deadline.map { $0.advanced(by: Self.overrun) }
            let task = Task<[MetricFamily], any Error> { await collector.collect(deadline: collectionDeadline) }
            if state.shuttingDown { task.cancel() }
            state.inFlight = (id, task)
            return task
        }
        // The collection leaves the slot when it ends, whether or not anyone still waits for it.
        Task { [weak self] in
            _ = await task.result
            self?.finished(task)
        }
        do {
            // Each request waits only until its own deadline (and leaves when it is cancelled: a client gone, a
            // shutdown); the shared collection goes on and fills the datapoint store.
            return try await DeadlineWait.value(of: task, until: deadline) { DeadlineMissed() }
        } catch is DeadlineMissed {
            // What the store holds now, including what the shared collection fetched so far; the rest is counted
            // as missed.
            return await collector.collect(deadline: .now)
        } catch {
            return []
        }
    }

    private func finished(_ task: Task<[MetricFamily], any Error>) {
        state.withLock { state in
            if state.inFlight?.task == task { state.inFlight = nil }
        }
    }

    /// How long a shared collection may run past the deadline of the request that started it.
    static let overrun: Duration = .seconds(30)

    private struct DeadlineMissed: Error {}

    /// Cancels the collection in flight and every later one: at shutdown, requests answer at once with what they
    /// have and the AWS calls behind them stop.
    func cancelAll() {
        state.withLock { state in
            state.shuttingDown = true
            state.inFlight?.task.cancel()
        }
    }
}
