import AWSCore
import ArgumentParser
import ConfigFile
import ExporterServer
import Exposition
import FoundationEssentials
import Logging
import ResourceTags
import ScrapePipeline
import ScrapeStatus
import Telemetry

/// `cloudwatch-tag-exporter scrape FILE`: one scrape printed to stdout, without a server, for debugging a config.
struct ScrapeOnce: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scrape",
        abstract: "Run one scrape with a config and print the exposition to stdout (no server)."
    )

    @Argument(help: "The YAML config.")
    var file: String

    @Option(help: "Output format: text (0.0.4) or openmetrics.")
    var format: String = "text"

    @Option(help: "Give up on AWS calls after this many seconds.")
    var timeout: Double = 60

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard ["text", "openmetrics"].contains(format) else {
            throw ValidationError("--format must be text or openmetrics, not \(format)")
        }
    }

    func run() async throws {
        let logger = logging.bootstrap()
        guard let loaded = ConfigReport.load(file) else { throw ExitCode(1) }
        let environment = ProcessInfo.processInfo.environment
        let transport = AsyncHTTPClientTransport(
            connectTimeout: CheckedTime.duration(seconds: loaded.config.aws.connectTimeoutSeconds),
            connectionsPerHost: loaded.config.maxConcurrentRequests
        )
        let metrics = SelfMetrics(environment: environment)
        let factory = RuntimeFactory(environment: environment, transport: transport, metrics: metrics, logger: logger)
        do {
            let runtime = try await factory.make(config: loaded.config, previous: nil)
            let deadline = ContinuousClock.now.advanced(by: CheckedTime.duration(seconds: timeout))
            // The server's path: the same families as /metrics, process metrics included; the first tag refresh runs
            // beside the collection and is given until the deadline.
            let state = ExporterState(initial: runtime, configPath: file, factory: factory, warnings: loaded.warnings)
            let families = await state.scrape(deadline: deadline)
            let output = ExpositionRenderer.render(
                families,
                format: format == "openmetrics" ? .openMetrics100 : .text004,
                nameFilter: nil
            )
            StandardStream.output.write(output)
        } catch {
            logger.error("Scrape failed", metadata: ["error": "\(error)"])
            try? await transport.shutdown()
            throw ExitCode(1)
        }
        try? await transport.shutdown()
    }
}
