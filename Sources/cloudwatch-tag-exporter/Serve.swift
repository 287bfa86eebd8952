import AWSClient
import AWSCore
import ArgumentParser
import CloudWatchCollector
import ExporterConfig
import ExporterServer
import Foundation
import Logging

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

    @Option(name: .customLong("web.listen-address"), help: "Address to listen on, [host]:port.")
    var listenAddress: String = ":9106"

    @Option(name: .customLong("config.file"), help: "Path of the YAML config.")
    var configFile: String?

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if configPath == nil, configFile == nil {
            throw ValidationError(
                "no config file: run `cloudwatch-tag-exporter <port> <config.yml>` or pass --config.file"
            )
        }
        if configPath != nil, configFile != nil {
            throw ValidationError("give the config file either as an argument or with --config.file, not both")
        }
    }

    func run() async throws {
        let logger = logging.bootstrap()
        let address: ListenAddress
        if let port {
            guard (0...65_535).contains(port) else { throw ValidationError("port \(port) is out of range") }
            address = ListenAddress(port: port)
        } else {
            address = try ListenAddress(parsing: listenAddress)
        }
        let path = configPath ?? configFile ?? ""
        guard let loaded = ConfigReport.load(path) else { throw ExitCode(1) }
        for warning in loaded.warnings { logger.warning("Config warning", metadata: ["diagnostic": "\(warning)"]) }
        let environment = ProcessInfo.processInfo.environment
        let transport = AsyncHTTPClientTransport(
            connectTimeout: .milliseconds(Int64(loaded.config.aws.connectTimeoutSeconds * 1000))
        )
        let factory = RuntimeFactory(
            environment: environment,
            transport: transport,
            metrics: SelfMetrics(environment: environment),
            logger: logger
        )
        let state: ExporterState
        do {
            state = ExporterState(
                initial: try await factory.make(config: loaded.config, previous: nil),
                configPath: path,
                factory: factory
            )
        } catch {
            logger.error("Cannot start", metadata: ["error": "\(error)"])
            try? await transport.shutdown()
            throw ExitCode(1)
        }
        logger.info(
            "Starting cloudwatch-tag-exporter",
            metadata: [
                "version": "\(BuildInfo.version)", "revision": "\(BuildInfo.revision)",
                "listen_address": "\(address)", "config.file": "\(path)",
                "config.rules": "\(loaded.config.rules.count)", "aws.region": "\(state.current.client.region)",
            ]
        )
        do {
            try await ExporterApplication.run(state: state, address: address, logger: logger)
        } catch {
            logger.error("Server stopped", metadata: ["error": "\(error)"])
            try? await transport.shutdown()
            throw ExitCode(1)
        }
        try? await transport.shutdown()
    }
}
