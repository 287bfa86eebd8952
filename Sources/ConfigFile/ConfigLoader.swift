import FoundationEssentials
import YAMLDocument

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Loads cloudwatch_exporter's YAML config (plus our keys) with SnakeYAML's YAML 1.1 semantics, validating
/// everything at load and reporting every problem with file, line, column and key path.
public enum ConfigLoader {
    /// Every key allowed at the top level.
    public static let knownTopLevelKeys = [
        "region", "role_arn", "metrics", "period_seconds", "range_seconds", "delay_seconds", "set_timestamp",
        "use_get_metric_data", "list_metrics_cache_ttl", "warn_on_empty_list_dimensions", "tag_labels",
        "max_concurrent_requests", "aws_max_attempts", "aws_retry_base_delay_seconds", "aws_retry_max_delay_seconds",
        "aws_connect_timeout_seconds", "aws_request_timeout_seconds", "scrape_timeout_margin_seconds", "settle_seconds",
        "regions", "role_arns", "max_concurrent_requests_per_region", "kubernetes",
    ]
    /// Every key allowed in an entry of `metrics`.
    public static let knownRuleKeys = [
        "aws_namespace", "aws_metric_name", "help", "aws_dimensions", "aws_dimension_select",
        "aws_dimension_select_regex", "aws_statistics", "aws_extended_statistics", "period_seconds", "range_seconds",
        "delay_seconds", "set_timestamp", "use_get_metric_data", "warn_on_empty_list_dimensions",
        "list_metrics_cache_ttl", "aws_tag_select", "tag_labels", "settle_seconds", "region", "role_arn",
    ]
    /// Every key allowed in `aws_tag_select`.
    public static let knownTagSelectKeys = [
        "resource_type_selection", "resource_id_dimension", "tag_selections", "arn_resource_id_regexp",
    ]
    /// Every key allowed in the top-level `tag_labels`.
    public static let knownTagLabelKeys = [
        "enabled", "kubernetes", "cluster_label", "tags", "all_tags", "info_metric", "cache_ttl_seconds",
    ]
    /// Every key allowed in `kubernetes`.
    public static let knownKubernetesKeys = [
        "enabled", "kubeconfig", "context", "service_labels", "target_group_bindings",
    ]
    /// The `tag_labels` keys that are only allowed at the top level.
    public static let globalOnlyTagLabelKeys = ["info_metric", "cache_ttl_seconds"]

    /// Reads and parses the file at `path`.
    /// - Throws: ``ConfigError`` when the file cannot be read or the config is invalid.
    public static func load(path: String) throws -> LoadedConfig {
        let yaml: String
        do {
            yaml = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(diagnostics: [
                ConfigDiagnostic(
                    file: path,
                    line: nil,
                    column: nil,
                    keyPath: KeyPath.root.text,
                    message: "cannot read the config file: \(readProblem(error))"
                )
            ])
        }
        var loaded = try parse(yaml: yaml, file: path)
        // A relative kubeconfig path is relative to the config file, as the web config's files are to theirs.
        if let kubeconfig = loaded.config.kubernetes.kubeconfig, !kubeconfig.hasPrefix("/"),
            let slash = path.lastIndex(of: "/")
        {
            loaded.config.kubernetes.kubeconfig = String(path[...slash]) + kubeconfig
        }
        return loaded
    }

    /// Why the file could not be read, in the system's words (`No such file or directory`), or the error itself.
    private static func readProblem(_ error: any Error) -> String {
        if let cocoa = error as? CocoaError {
            if let posix = cocoa.userInfo["NSUnderlyingError"] as? POSIXError {
                return String(cString: strerror(posix.code.rawValue))
            }
            if cocoa.code == .fileReadInapplicableStringEncoding { return "it is not UTF-8 text" }
        }
        return "\(error)"
    }

    /// Parses `yaml`; `file` is only used in diagnostics.
    /// - Throws: ``ConfigError`` listing every error found.
    public static func parse(yaml: String, file: String) throws -> LoadedConfig {
        var decoder = ConfigDecoder(file: file)
        let root: ConfigNode
        do {
            if let node = try composer.compose(yaml) {
                root = ConfigNode(node)
            } else {
                root = ConfigNode(kind: .mapping([]), line: 1, column: 1)
            }
        } catch {
            throw ConfigError(diagnostics: [syntaxDiagnostic(error, file: file)])
        }
        let config = decoder.document(root)
        guard decoder.errors.isEmpty, let config else {
            throw ConfigError(diagnostics: inDocumentOrder(decoder.errors), warnings: inDocumentOrder(decoder.warnings))
        }
        return LoadedConfig(config: config, warnings: inDocumentOrder(decoder.warnings))
    }

    /// The composer for config files: YAMLDocument's default limits (aliases and nesting), duplicate keys refused as
    /// SnakeYAML refuses them (the same text with the same type).
    private static let composer = YAMLComposer(duplicateKeys: .reject(scalarType: { ConfigNode.scalarType($0) }))

    /// Sorts by position; the sort is stable, so problems found at the same node keep their order.
    private static func inDocumentOrder(_ diagnostics: [ConfigDiagnostic]) -> [ConfigDiagnostic] {
        diagnostics.enumerated()
            .sorted { lhs, rhs in
                let left = (lhs.element.line ?? 0, lhs.element.column ?? 0, lhs.offset)
                let right = (rhs.element.line ?? 0, rhs.element.column ?? 0, rhs.offset)
                return left < right
            }
            .map(\.element)
    }

    private static func syntaxDiagnostic(_ error: YAMLError, file: String) -> ConfigDiagnostic {
        let root = KeyPath.root.text
        let message: String
        switch error.kind {
        case .composer where error.context?.contains("single document") == true:
            message = "only one YAML document is allowed, but another one starts here"
        case .duplicateKeys:
            message = "duplicate keys in one mapping: \(error.duplicateKeys.joined(separator: ", "))"
        case .reader, .scanner, .parser, .composer, .memory:
            let words = [error.context, error.problem].compactMap { $0 }.filter { !$0.isEmpty }
            message = "invalid YAML: \(words.joined(separator: " "))"
        }
        return ConfigDiagnostic(
            file: file,
            line: error.mark.line,
            column: error.mark.column,
            keyPath: root,
            message: message
        )
    }
}
