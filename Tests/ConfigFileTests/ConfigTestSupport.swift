import ConfigFile
import Testing

/// Parses YAML the way the exporter does, naming the file `config.yml` in diagnostics.
func parse(_ yaml: String) throws -> LoadedConfig {
    try ConfigLoader.parse(yaml: yaml, file: "config.yml")
}

/// The errors a config is rejected with; records an issue if it loads.
func errors(_ yaml: String, sourceLocation: SourceLocation = #_sourceLocation) -> [ConfigDiagnostic] {
    do {
        let loaded = try parse(yaml)
        Issue.record("expected the config to be rejected, got \(loaded.config)", sourceLocation: sourceLocation)
        return []
    } catch let error as ConfigError {
        return error.diagnostics
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        return []
    }
}

/// The only rule of a config that must load.
func onlyRule(_ yaml: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> MetricRule {
    let rules = try parse(yaml).config.rules
    #expect(rules.count == 1, sourceLocation: sourceLocation)
    return try #require(rules.first, sourceLocation: sourceLocation)
}
