import Logging
public import ServiceLifecycle
import UnixSignals

/// Reloads the config on SIGHUP, as cloudwatch_exporter does; a bad file is logged and the old config kept.
public struct ReloadSignalService: Service {
    private let state: ExporterState

    /// Creates the service for `state`.
    public init(state: ExporterState) { self.state = state }

    public func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            // reload() logs success and failure itself; the process keeps serving either way.
            _ = try? await state.reload()
        }
    }
}
