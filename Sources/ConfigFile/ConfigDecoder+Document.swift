/// The top level of the document.
extension ConfigDecoder {
    /// Rule defaults taken from the top level (cloudwatch_exporter's `period_seconds`, ... globals).
    struct RuleDefaults {
        var periodSeconds = 60
        var rangeSeconds = 600
        var delaySeconds = 600
        var settleSeconds: Int?
        var setTimestamp = true
        var useGetMetricData = false
        var warnOnEmptyListDimensions = false
        var listMetricsCacheTTL = 0
    }

    /// Decodes the whole document; `nil` only when the root is unusable (errors are recorded either way).
    mutating func document(_ root: ConfigNode) -> ExporterConfig? {
        let rootNode = root.isNull ? ConfigNode(kind: .mapping([]), line: root.line, column: root.column) : root
        guard let pairs = mapping(rootNode, .root) else { return nil }
        checkKeys(pairs, known: ConfigLoader.knownTopLevelKeys, path: .root) { key in
            ConfigLoader.knownRuleKeys.contains(key)
                ? "\(key) belongs inside an entry of metrics" : nil
        }
        let values = Dictionary(pairs.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        var config = ExporterConfig()

        decodeTargets(values, into: &config)

        var defaults = RuleDefaults()
        if let value = timing("period_seconds", in: values, path: .root) { defaults.periodSeconds = value }
        if let value = timing("range_seconds", in: values, path: .root) { defaults.rangeSeconds = value }
        if let value = timing("delay_seconds", in: values, path: .root) { defaults.delaySeconds = value }
        defaults.settleSeconds = timing("settle_seconds", in: values, path: .root)
        if let value = timing("list_metrics_cache_ttl", in: values, path: .root) {
            defaults.listMetricsCacheTTL = value
        }
        if let entry = values["set_timestamp"], let value = bool(entry.value, .top("set_timestamp")) {
            defaults.setTimestamp = value
        }
        if let entry = values["use_get_metric_data"], let value = bool(entry.value, .top("use_get_metric_data")) {
            defaults.useGetMetricData = value
        }
        if let entry = values["warn_on_empty_list_dimensions"],
            let value = bool(entry.value, .top("warn_on_empty_list_dimensions"))
        {
            defaults.warnOnEmptyListDimensions = value
        }
        config.globalListMetricsCacheTTL = defaults.listMetricsCacheTTL

        if let entry = values["tag_labels"], !entry.value.isNull {
            config.tagLabels = tagLabels(entry.value, path: .top("tag_labels"), base: TagLabelSettings(), global: true)
        }
        if let entry = values["kubernetes"], !entry.value.isNull {
            config.kubernetes = kubernetes(entry.value, path: .top("kubernetes"))
        }
        decodeLimits(values, into: &config)

        guard let metricsEntry = values["metrics"], !metricsEntry.value.isNull else {
            let node = values["metrics"]?.value ?? rootNode
            error(node, .top("metrics"), "Must provide metrics")
            return config
        }
        guard case .sequence(let items) = metricsEntry.value.kind else {
            error(
                metricsEntry.value,
                .top("metrics"),
                "expected a list of rules, got \(metricsEntry.value.kindDescription)"
            )
            return config
        }
        var anyRuleSetsCacheTTL = false
        var firstIndexOfRule: [MetricRule: Int] = [:]
        for (index, item) in items.enumerated() {
            let path = KeyPath.top("metrics").index(index)
            guard let rule = rule(item, path: path, defaults: defaults, config: config) else { continue }
            checkPartitions(rule, config: config, node: item, path: path)
            if let first = firstIndexOfRule[rule] {
                // Upstream would print the same families twice (and crash at load if both set a cache TTL).
                warning(item, path, "this rule repeats metrics[\(first)]; it only adds AWS requests")
            } else {
                firstIndexOfRule[rule] = index
            }
            anyRuleSetsCacheTTL = anyRuleSetsCacheTTL || rule.listMetricsCacheTTL != nil
            config.rules.append(rule)
        }
        config.listMetricsCacheEnabled = defaults.listMetricsCacheTTL > 0 || anyRuleSetsCacheTTL
        return config
    }

    /// One of `period_seconds`, `range_seconds`, `delay_seconds`, `list_metrics_cache_ttl`, validated, at the top
    /// level or in a rule.
    mutating func timing(
        _ key: String,
        in values: [String: (key: String, keyNode: ConfigNode, value: ConfigNode)],
        path: KeyPath
    ) -> Int? {
        guard let entry = values[key] else { return nil }
        let keyPath = path.key(key)
        guard let value = int(entry.value, keyPath) else { return nil }
        if let limit = ConfigLimit.of(key), !limit.accepts(Double(value)) {
            error(entry.value, keyPath, limit.message(for: value))
            return nil
        }
        if key == "period_seconds" {
            guard [1, 5, 10, 20, 30].contains(value) || value % 60 == 0 else {
                error(
                    entry.value,
                    keyPath,
                    "CloudWatch accepts a period of 1, 5, 10, 20, 30 or a positive multiple of 60 seconds, not \(value)"
                )
                return nil
            }
        }
        return value
    }

    private mutating func decodeLimits(
        _ values: [String: (key: String, keyNode: ConfigNode, value: ConfigNode)],
        into config: inout ExporterConfig
    ) {
        func integer(_ key: String, _ decoder: inout ConfigDecoder) -> Int? {
            guard let entry = values[key], let value = decoder.int(entry.value, .top(key)) else { return nil }
            if let limit = ConfigLimit.of(key), !limit.accepts(Double(value)) {
                decoder.error(entry.value, .top(key), limit.message(for: value))
                return nil
            }
            return value
        }
        func seconds(_ key: String, _ decoder: inout ConfigDecoder) -> Double? {
            guard let entry = values[key], let value = decoder.double(entry.value, .top(key)) else { return nil }
            if let limit = ConfigLimit.of(key), !limit.accepts(value) {
                decoder.error(entry.value, .top(key), limit.message(for: value))
                return nil
            }
            return value
        }
        if let value = integer("max_concurrent_requests", &self) { config.maxConcurrentRequests = value }
        if let value = integer("max_concurrent_requests_per_region", &self) {
            config.maxConcurrentRequestsPerRegion = value
        }
        if let value = integer("aws_max_attempts", &self) { config.aws.maxAttempts = value }
        if let value = seconds("aws_retry_base_delay_seconds", &self) { config.aws.retryBaseDelaySeconds = value }
        if let value = seconds("aws_retry_max_delay_seconds", &self) { config.aws.retryMaxDelaySeconds = value }
        if let value = seconds("aws_connect_timeout_seconds", &self) { config.aws.connectTimeoutSeconds = value }
        if let value = seconds("aws_request_timeout_seconds", &self) { config.aws.requestTimeoutSeconds = value }
        if let value = seconds("scrape_timeout_margin_seconds", &self) { config.scrapeTimeoutMarginSeconds = value }
        if config.aws.retryMaxDelaySeconds < config.aws.retryBaseDelaySeconds,
            let entry = values["aws_retry_max_delay_seconds"] ?? values["aws_retry_base_delay_seconds"]
        {
            warning(
                entry.value,
                .top(entry.key),
                "aws_retry_max_delay_seconds (\(config.aws.retryMaxDelaySeconds)) is below "
                    + "aws_retry_base_delay_seconds (\(config.aws.retryBaseDelaySeconds)); "
                    + "every backoff is capped at it"
            )
        }
    }
}
