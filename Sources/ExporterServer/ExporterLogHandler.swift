import FoundationEssentials
public import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes log lines to stderr as logfmt (`time=… level=info msg="…" key=value`) or JSON, like Prometheus'
/// own exporters (`--log.format`).
public struct ExporterLogHandler: LogHandler {
    /// The output format.
    public enum Format: String, Sendable, CaseIterable {
        case logfmt, json
    }

    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    private let format: Format
    private let write: @Sendable (String) -> Void

    /// Creates a handler.
    /// - Parameters:
    ///   - format: logfmt or JSON.
    ///   - level: The lowest level written.
    ///   - write: Where lines go (stderr by default; tests capture them).
    public init(format: Format, level: Logger.Level, write: @escaping @Sendable (String) -> Void = Self.standardError) {
        self.format = format
        self.logLevel = level
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [(String, String)] = [
            ("time", Self.timestamp(Date())), ("level", Self.levelName(event.level)), ("msg", "\(event.message)"),
        ]
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) { fields.append((key, "\(value)")) }
        write(format == .json ? Self.json(fields) : Self.logfmt(fields))
    }

    /// Writes a line to stderr, ignoring failures: a closed or full stderr must lose log lines, not kill the
    /// exporter (Foundation's `FileHandle.write(_:)` traps on a write error). SIGPIPE is ignored at start-up
    /// (``ProcessSignals/ignoreBrokenPipe()``), so a closed pipe gives `EPIPE` here.
    public static let standardError: @Sendable (String) -> Void = { line in
        var bytes = Array((line + "\n").utf8)
        bytes.withUnsafeMutableBytes { buffer in
            guard var pointer = buffer.baseAddress else { return }
            var remaining = buffer.count
            // Bounded: each round writes at least one byte or gives up; EINTR is retried a few times only.
            var interruptions = 0
            while remaining > 0 {
                let written = Glibc.write(STDERR_FILENO, pointer, remaining)
                if written > 0 {
                    pointer += written
                    remaining -= written
                } else if written < 0, errno == EINTR, interruptions < 8 {
                    interruptions += 1
                } else {
                    return
                }
            }
        }
    }

    static func levelName(_ level: Logger.Level) -> String {
        switch level {
        case .trace, .debug: "debug"
        case .info, .notice: "info"
        case .warning: "warn"
        case .error, .critical: "error"
        }
    }

    static func logfmt(_ fields: [(String, String)]) -> String {
        fields.map { key, value in
            let needsQuotes = value.isEmpty || value.contains { $0 == " " || $0 == "=" || $0 == "\"" || $0.isNewline }
            guard needsQuotes else { return "\(key)=\(value)" }
            var escaped = ""
            for scalar in value.unicodeScalars {
                switch scalar {
                case "\\": escaped += "\\\\"
                case "\"": escaped += "\\\""
                case "\n": escaped += "\\n"
                default: escaped.unicodeScalars.append(scalar)
                }
            }
            return "\(key)=\"\(escaped)\""
        }.joined(separator: " ")
    }

    static func json(_ fields: [(String, String)]) -> String {
        let members = fields.map { key, value in "\(jsonString(key)):\(jsonString(value))" }
        return "{" + members.joined(separator: ",") + "}"
    }

    private static func jsonString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case let control where control.value < 0x20:
                result += (control.value < 0x10 ? "\\u000" : "\\u00") + String(control.value, radix: 16)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    private static func timestamp(_ date: Date) -> String {
        date.formatted(
            .iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: true).timeSeparator(
                .colon
            )
        )
            + "Z"
    }
}
