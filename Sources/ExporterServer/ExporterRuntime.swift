public import AWSCore
public import AWSServices
public import ConfigFile
import ResourceTags
public import ScrapePipeline
import ScrapeStatus
import Telemetry

/// Everything one loaded config runs with: the config, an AWS client per target (region and credential source) and
/// the collector. A reload builds a new one and swaps it in whole; scrapes already running finish on the old one.
public final class ExporterRuntime: Sendable {
    /// The config.
    public let config: ExporterConfig
    /// The AWS client of each target (reused by a reload that keeps the target, the transport and AWS settings).
    public let clients: [AWSTarget: AWSClient]
    /// The collector.
    public let collector: CloudWatchCollector
    /// The HTTP transport the client sends through, and the settings it was built with.
    public let transport: any HTTPTransport
    public let transportSettings: TransportSettings

    /// Bundles a runtime.
    public init(
        config: ExporterConfig,
        clients: [AWSTarget: AWSClient],
        collector: CloudWatchCollector,
        transport: any HTTPTransport,
        transportSettings: TransportSettings
    ) {
        self.config = config
        self.clients = clients
        self.collector = collector
        self.transport = transport
        self.transportSettings = transportSettings
    }

    /// Ends the tag refreshes of this runtime's caches that `next` does not keep (a reload replaced them).
    func retire(replacedBy next: ExporterRuntime) {
        let kept = Set(next.collector.services.map { ObjectIdentifier($0.tagCache) })
        for service in collector.services where !kept.contains(ObjectIdentifier(service.tagCache)) {
            service.tagCache.cancelRefreshes()
        }
    }

    /// Ends every tag refresh of this runtime (at shutdown).
    func cancelTagRefreshes() {
        for service in collector.services { service.tagCache.cancelRefreshes() }
    }
}
