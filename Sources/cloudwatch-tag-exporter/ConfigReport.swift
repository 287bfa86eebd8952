import ConfigFile
import FoundationEssentials

/// Loads a config for the command line, printing every problem to stderr.
enum ConfigReport {
    /// The loaded config, or `nil` after printing why it cannot be used.
    static func load(_ path: String) -> LoadedConfig? {
        do {
            return try ConfigLoader.load(path: path)
        } catch let error as ConfigError {
            printError("error: invalid configuration \(path):")
            for diagnostic in error.diagnostics { printError("  \(diagnostic)") }
        } catch {
            printError("error: cannot load configuration \(path): \(error)")
        }
        return nil
    }

    static func printError(_ line: String) {
        StandardStream.error.write(line + "\n")
    }
}
