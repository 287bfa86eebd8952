import AWSCore
import AWSServices
import ArgumentParser
import ConfigFile
import ExporterServer
import Foundation
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

    @Option(name: .customLong("web.listen-address"), help: "Address to listen on, [host]:port.")
    var listenAddress: String = ":9106"

    @Option(name: .customLong("config.file"), help: "Path of the YAML config.")
    var configFile: String?

    @Option(
        name: .customLong("web.config.file"),
        help: ArgumentHelp(
            "Path of an exporter-toolkit web config (TLS, basic auth, headers, rate limit).",
            discussion: """
                Read whole at start-up. Then basic_auth_users and http_server_config.headers are re-read on every \
                request, and the certificates, keys, client CAs and TLS settings of tls_server_config on every TLS \
                handshake. rate_limit, whether TLS is on, and http2 are read at start-up only: changing them needs a \
                restart.
                """
        )
    )
    var webConfigFile: String?

    @Option(
        name: .customLong("web.read-timeout"),
        help: "A request (head and body, TLS handshake included) must arrive within this, e.g. 10s."
    )
    var readTimeout: String = "10s"

    @Option(name: .customLong("web.idle-timeout"), help: "Close keep-alive connections idle this long, e.g. 60s.")
    var idleTimeout: String = "60s"

    @Option(
        name: .customLong("web.max-connections"),
        help:
            "Open connections at most; beyond it the longest-waiting connection without a request in progress is closed."
    )
    var maxConnections: Int = 512

    @Option(name: .customLong("web.max-request-body-bytes"), help: "Largest request body accepted (413 beyond).")
    var maxRequestBodyBytes: Int = 1 << 20

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
        _ = try limits()
    }

    /// The HTTP limits from the `--web.*` flags.
    func limits() throws -> HTTPLimits {
        func positive(_ text: String, _ flag: String) throws -> Duration {
            // Bounded so that deadline arithmetic in the event loop cannot overflow; a day is far beyond any use.
            guard let value = FlagDuration.parse(text), value > .zero, value <= .seconds(86_400) else {
                throw ValidationError("--\(flag): \"\(text)\" is not a duration between 1ms and 24h, such as 10s or 1m")
            }
            return value
        }
        guard maxConnections > 0 else { throw ValidationError("--web.max-connections must be at least 1") }
        guard maxRequestBodyBytes >= 0 else {
            throw ValidationError("--web.max-request-body-bytes must not be negative")
        }
        return HTTPLimits(
            readTimeout: try positive(readTimeout, "web.read-timeout"),
            idleTimeout: try positive(idleTimeout, "web.idle-timeout"),
            maxConnections: maxConnections,
            maxRequestBodyBytes: maxRequestBodyBytes
        )
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
        // Checked before any AWS client or socket exists: a bad web config must not leave a half-started server.
        var webConfig: WebConfigStore?
        if let webConfigFile {
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
                warnings: loaded.warnings
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
                "web.config.file": "\(webConfigFile ?? "")", "tls": "\(webConfig?.servesTLS ?? false)",
            ]
        )
        do {
            try await ExporterApplication.run(
                state: state,
                address: address,
                logger: logger,
                webConfig: webConfig,
                limits: try limits()
            )
        } catch {
            logger.error("Server stopped", metadata: ["error": "\(error)"])
            try? await state.current.transport.shutdown()
            throw ExitCode(1)
        }
        try? await state.current.transport.shutdown()
    }
}
