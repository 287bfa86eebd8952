import ArgumentParser
import ConfigFile

/// `cloudwatch-tag-exporter check-config FILE`: validates a config and lists every problem.
struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate a config file; list every error and warning; exit 0 when clean, 1 otherwise."
    )

    @Argument(help: "The YAML config to check.")
    var file: String

    func run() throws {
        guard let loaded = ConfigReport.load(file) else { throw ExitCode(1) }
        for warning in loaded.warnings { ConfigReport.printError("warning: \(warning)") }
        guard loaded.warnings.isEmpty else {
            ConfigReport.printError(
                "\(file): \(loaded.warnings.count) warning(s); fix them (unknown keys are typos more often than not)"
            )
            throw ExitCode(1)
        }
        print("\(file): OK, \(loaded.config.rules.count) rule(s)")
    }
}
