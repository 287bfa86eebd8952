import ArgumentParser
import ExporterServer

/// The flags of the server: listen address, config file, web config and HTTP limits, as Prometheus exporters spell
/// them.
struct ServerOptions: ParsableArguments {
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

    func validate() throws {
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
}
