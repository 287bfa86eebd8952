import AWSCore
import AWSServices
import ArgumentParser
import ConfigFile
import ExporterServer
import FoundationEssentials
import Logging
import ResourceTags
import ScrapePipeline
import ScrapeStatus
import Telemetry

/// Runs the exporter: `cloudwatch-tag-exporter <port> <config.yml>` (upstream style) or with flags.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve /metrics (the default command)."
    )

    @Argument(help: "Port to listen on, on all interfaces (cloudwatch_exporter's first argument).")
    var port: Int?

    @Argument(help: "Path of the YAML config (cloudwatch_exporter's second argument).")
    var configPath: String?

    /// The server's flags. The root command declares the same group, so that `--help` lists them; the values parsed
    /// there are the ones this command gets.
    @OptionGroup var server: ServerOptions

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if configPath == nil, server.configFile == nil {
            throw ValidationError(
                "no config file: run `cloudwatch-tag-exporter <port> <config.yml>` or pass --config.file"
            )
        }
        if configPath != nil, server.configFile != nil {
            throw ValidationError("give the config file either as an argument or with --config.file, not both")
        }
    }

    func run() async throws {
        MemoryTuning.apply(environment: ProcessInfo.processInfo.environment)
        let logger = logging.bootstrap()
        let address: ListenAddress
        if let port {
            guard (0...65_535).contains(port) else { throw ValidationError("port \(port) is out of range") }
            address = ListenAddress(port: port)
        } else {
            address = try ListenAddress(parsing: server.listenAddress)
        }
        let path = configPath ?? server.configFile ?? ""
        guard let loaded = ConfigReport.load(path) else { throw ExitCode(1) }
        // Checked before any AWS client or socket exists: a bad web config must not leave a half-started server.
        var webConfig: WebConfigStore?
        if let webConfigFile = server.webConfigFile {
            do {
                webConfig = try WebConfigStore(path: webConfigFile, logger: logger)
            } catch let error as WebConfigError {
                ConfigReport.printError("error: invalid web configuration:")
                for line in "\(error)".split(separator: "\n") { ConfigReport.printError("  \(line)") }
                throw ExitCode(1)
            }
        }
        for warning in loaded.warnings { logger.warning("Config warning", metadata: ["diagnostic": "\(warning)"]) }
        let environment = ProcessInfo.processInfo.environment
        let factory = RuntimeFactory(
            environment: environment,
            metrics: SelfMetrics(environment: environment),
            logger: logger,
            makeTransport: RuntimeFactory.asyncHTTPClientTransport
        )
        let state: ExporterState
        do {
            state = ExporterState(
                initial: try await factory.make(config: loaded.config, previous: nil),
                configPath: path,
                factory: factory,
                warnings: loaded.warnings,
                afterCollection: MemoryTuning.releaseFreePages
            )
        } catch {
            // The transport, if one was built, went with the runtime that was not: it shuts itself down.
            logger.error("Cannot start", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
        logger.info(
            "Starting cloudwatch-tag-exporter",
            metadata: [
                "version": "\(BuildInfo.version)", "revision": "\(BuildInfo.revision)",
                "listen_address": "\(address)", "config.file": "\(path)",
                "config.rules": "\(loaded.config.rules.count)",
                "aws.regions": "\(Set(state.current.clients.values.map(\.region)).sorted().joined(separator: ","))",
                "web.config.file": "\(server.webConfigFile ?? "")", "tls": "\(webConfig?.servesTLS ?? false)",
            ]
        )
        do {
            try await ExporterApplication.run(
                state: state,
                address: address,
                logger: logger,
                webConfig: webConfig,
                limits: try server.limits()
            )
        } catch {
            logger.error("Server stopped", metadata: ["error": "\(error)"])
            try? await state.current.transport.shutdown()
            throw ExitCode(1)
        }
        try? await state.current.transport.shutdown()
    }
}
