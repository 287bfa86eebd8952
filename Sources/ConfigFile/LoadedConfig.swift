/// The result of a successful load: the config, and warnings (e.g. unknown keys) that did not prevent it.
public struct LoadedConfig: Sendable {
    /// The validated configuration.
    public var config: ExporterConfig
    /// Problems that do not stop the exporter; `check-config` fails on them.
    public var warnings: [ConfigDiagnostic]

    /// Creates a loaded config.
    public init(config: ExporterConfig, warnings: [ConfigDiagnostic]) {
        self.config = config
        self.warnings = warnings
    }
}
