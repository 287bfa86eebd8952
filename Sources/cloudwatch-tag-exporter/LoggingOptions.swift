import ArgumentParser
import ExporterServer
import Logging

/// `--log.level` and `--log.format`, as Prometheus exporters spell them.
struct LoggingOptions: ParsableArguments {
    @Option(
        name: .customLong("log.level"),
        help: "Only log messages with this severity or above: debug, info, warn, error."
    )
    var level: String = "info"

    @Option(name: .customLong("log.format"), help: "Output format of log messages: logfmt or json.")
    var format: String = "logfmt"

    func validate() throws {
        guard Self.level(level) != nil else { throw ValidationError("--log.level must be debug, info, warn or error") }
        guard ExporterLogHandler.Format(rawValue: format) != nil else {
            throw ValidationError("--log.format must be logfmt or json")
        }
    }

    /// Installs the handler and returns the root logger.
    func bootstrap() -> Logger {
        // Every command logs to stderr; none may die because that pipe closed.
        ProcessSignals.ignoreBrokenPipe()
        let level = Self.level(level) ?? .info
        let format = ExporterLogHandler.Format(rawValue: format) ?? .logfmt
        LoggingSystem.bootstrap { _ in ExporterLogHandler(format: format, level: level) }
        return Logger(label: "cloudwatch-tag-exporter")
    }

    static func level(_ text: String) -> Logger.Level? {
        switch text.lowercased() {
        case "debug": .debug
        case "info": .info
        case "warn", "warning": .warning
        case "error": .error
        default: nil
        }
    }
}
