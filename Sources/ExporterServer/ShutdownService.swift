import Logging
public import ServiceLifecycle

/// Makes `SIGTERM` end the process within ``deadline`` whatever AWS does.
///
/// Kubernetes kills a pod 30 s after `SIGTERM`; before this, an endpoint that accepted connections and never answered
/// held the exporter for 26 s. On graceful shutdown this cancels the collections in flight (their requests then answer
/// at once with what they have, and their AWS calls are cancelled) and arms a watchdog that ends the process if
/// something still holds it at the deadline. The service group's own escalation to cancellation comes earlier.
public struct ShutdownService: Service {
    /// How long after the shutdown signal the process ends at the latest.
    public static let deadline: Duration = .milliseconds(4_500)

    private let state: ExporterState
    private let logger: Logger

    /// Creates the service for `state`.
    public init(state: ExporterState, logger: Logger) {
        self.state = state
        self.logger = logger
    }

    public func run() async throws {
        // Returns when graceful shutdown starts; throws CancellationError when the group is cancelled first.
        try await gracefulShutdown()
        logger.info("Shutting down: cancelling collections in flight")
        state.cancelCollections()
        let logger = self.logger
        let limit = Self.deadline
        // A thread, not a task: it must fire even if every task of the process is stuck.
        ShutdownWatchdog.start(after: limit) {
            logger.error("Shutdown did not finish in time; exiting", metadata: ["shutdown.deadline": "\(limit)"])
        }
    }
}
