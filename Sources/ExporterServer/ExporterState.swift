import AWSCore
import AsyncCoordination
public import ConfigFile
import Exposition
public import FoundationEssentials
import KubernetesAPI
import Logging
import ResourceTags
import ScrapePipeline
import Synchronization
import Telemetry

/// The live state of the server: the current runtime, reloads (serialised), and scrapes that share one collection.
public final class ExporterState: Sendable {
    private let runtime: Mutex<ExporterRuntime>
    private let reloadLock = AsyncLimiter(limit: 1)
    /// One collection per runtime at a time, shared by the requests that arrive while it runs; each request leaves
    /// at its own deadline. A collection may run `collectionOverrun` past the deadline of the request that started
    /// it, so that the requests joining it later, and the datapoint store, get what it fetches.
    private let collections: SharedWork<ObjectIdentifier, ScrapeResult>
    private let runtimeWatchers = Mutex<[UInt64: AsyncStream<ExporterRuntime>.Continuation]>([:])
    private let nextWatcher = Atomic<UInt64>(0)
    /// Where the config is re-read from on reload.
    public let configPath: String
    /// Builds runtimes.
    public let factory: RuntimeFactory
    private let processMetrics = ProcessMetrics()
    private let lastConfigLoadRecord: Mutex<ConfigLoadRecord>
    /// When the process started (the wall clock), for the status page.
    public let startTime: Date

    /// Called once a scrape's collection is over, before its families are built (the server returns the freed pages
    /// of the collection's answers to the system here).
    private let afterCollection: @Sendable () -> Void

    /// How long a shared collection may run past the deadline of the request that started it.
    public static let collectionOverrun: Duration = .seconds(30)

    /// Creates the state around the first runtime.
    /// - Parameters:
    ///   - warnings: The warnings of the config read at start-up.
    ///   - sleep: Waits for deadlines; tests pass one they control.
    ///   - afterCollection: Called once a scrape's collection (and the first tag refresh it waits for) is over,
    ///     before the families are built.
    public init(
        initial: ExporterRuntime,
        configPath: String,
        factory: RuntimeFactory,
        warnings: [ConfigDiagnostic] = [],
        now: Date = Date(),
        sleep: @escaping DeadlineSleep = DeadlineClock.continuous,
        afterCollection: @escaping @Sendable () -> Void = {}
    ) {
        self.runtime = Mutex(initial)
        self.afterCollection = afterCollection
        self.configPath = configPath
        self.factory = factory
        self.startTime = now
        self.collections = SharedWork(overrun: Self.collectionOverrun, sleep: sleep)
        self.lastConfigLoadRecord = Mutex(ConfigLoadRecord(trigger: .startUp, time: now, warnings: warnings))
    }

    /// The last reading of the config file: start-up, or the last reload and its result.
    public var lastConfigLoad: ConfigLoadRecord { lastConfigLoadRecord.withLock { $0 } }

    /// The runtime in force.
    public var current: ExporterRuntime { runtime.withLock { $0 } }

    /// The runtime in force, then every runtime a reload swaps in, until the caller stops listening.
    public func runtimes() -> AsyncStream<ExporterRuntime> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: ExporterRuntime.self,
            bufferingPolicy: .bufferingNewest(1)
        )
        let id = nextWatcher.add(1, ordering: .relaxed).newValue
        runtimeWatchers.withLock { $0[id] = continuation }
        continuation.onTermination = { [weak self] _ in
            _ = self?.runtimeWatchers.withLock { $0.removeValue(forKey: id) }
        }
        continuation.yield(current)
        return stream
    }

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
                let previous = runtime.withLock { runtime in
                    defer { runtime = next }
                    return runtime
                }
                previous.retire(replacedBy: next)
                for watcher in runtimeWatchers.withLock({ Array($0.values) }) { watcher.yield(next) }
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
                // An excerpt, as the reply and the status page quote it: a config path pointing at another file (a
                // key) must not copy that file into the logs.
                factory.logger.warning(
                    "Configuration reload failed; the previous configuration stays in force",
                    metadata: ["error": "\(ConfigExcerpt.of("\(error)"))"]
                )
                throw error
            }
        }
    }

    /// Cancels the collection in flight and every later one, and every tag refresh (at shutdown): requests answer at
    /// once with what the store has, and the AWS calls behind them stop.
    public func cancelCollections() {
        collections.cancelAll()
        current.cancelTagRefreshes()
    }

    /// Scrapes and returns every family of the response: CloudWatch, build info, counters and process metrics.
    ///
    /// The request joins the collection in flight (or starts one) and waits for it until its own deadline; then,
    /// or when the collection was cancelled, it answers from the datapoint store alone, without an AWS call. The
    /// first scrape after start-up also gives the first tag refresh until the deadline, so it has labels.
    public func scrape(deadline: ContinuousClock.Instant?) async -> [MetricFamily] {
        let started = ContinuousClock.now
        let runtime = current
        let collector = runtime.collector
        let result: ScrapeResult
        do {
            result = try await collections.value(for: ObjectIdentifier(collector), until: deadline) { bound in
                await collector.collect(deadline: bound)
            }
        } catch {
            // The deadline came first (DeadlinePassed), the client went away, or a shutdown cancelled it.
            result = collector.storedResult()
        }
        await collector.awaitFirstTags(until: deadline)
        afterCollection()
        var families = collector.families(result, duration: started.duration(to: .now))
        families.append(BuildInfo.family)
        families += factory.metrics.families()
        if let kubernetes = collector.kubernetes {
            families += KubernetesSourceMetrics.families(
                statistics: kubernetes.statistics,
                snapshot: kubernetes.snapshot
            )
        }
        families += processMetrics.families()
        return families
    }
}
