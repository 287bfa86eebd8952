/// One entry of `metrics`.
extension ConfigDecoder {
    mutating func rule(_ node: ConfigNode, path: KeyPath, defaults: RuleDefaults, config: ExporterConfig) -> MetricRule?
    {
        guard let pairs = mapping(node, path) else { return nil }
        checkKeys(pairs, known: ConfigLoader.knownRuleKeys, path: path) { key in
            switch key {
            case _ where ConfigLoader.knownTopLevelKeys.contains(key):
                "\(key) is only read at the top level"
            default:
                nil
            }
        }
        let values = Dictionary(pairs.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        let errorCount = errors.count

        var namespace: String?
        var metricName: String?
        if let entry = values["aws_namespace"] { namespace = nonEmptyString(entry.value, path.key("aws_namespace")) }
        if let entry = values["aws_metric_name"] {
            metricName = nonEmptyString(entry.value, path.key("aws_metric_name"))
        }
        if values["aws_namespace"] == nil || values["aws_metric_name"] == nil {
            error(node, path, "Must provide aws_namespace and aws_metric_name")
        }
        var rule = MetricRule(awsNamespace: namespace ?? "", awsMetricName: metricName ?? "")

        if let entry = values["help"], !entry.value.isNull { rule.help = string(entry.value, path.key("help")) }
        if let entry = values["region"], !entry.value.isNull {
            rule.region = regionName(entry.value, path.key("region"))
        }
        if let entry = values["role_arn"], !entry.value.isNull {
            rule.roleARN = roleARN(entry.value, path.key("role_arn"))
        }
        if let entry = values["aws_dimensions"], !entry.value.isNull {
            rule.awsDimensions = stringList(entry.value, path.key("aws_dimensions"))
        }
        decodeSelects(values, path: path, into: &rule)
        decodeStatistics(values, node: node, path: path, into: &rule)

        rule.periodSeconds = timing("period_seconds", in: values, path: path) ?? defaults.periodSeconds
        rule.rangeSeconds = timing("range_seconds", in: values, path: path) ?? defaults.rangeSeconds
        rule.delaySeconds = timing("delay_seconds", in: values, path: path) ?? defaults.delaySeconds
        rule.listMetricsCacheTTL = timing("list_metrics_cache_ttl", in: values, path: path)
        rule.settleSeconds = timing("settle_seconds", in: values, path: path) ?? defaults.settleSeconds
        if let settle = rule.settleSeconds, settle > rule.delaySeconds {
            let anchor = values["settle_seconds"] ?? values["delay_seconds"]
            error(
                anchor?.value ?? node,
                anchor.map { path.key($0.key) } ?? path,
                "settle_seconds (\(settle)) must not be more than delay_seconds (\(rule.delaySeconds)): a period "
                    + "is only fetched once it is delay_seconds old"
            )
        }
        rule.setTimestamp =
            values["set_timestamp"].flatMap { bool($0.value, path.key("set_timestamp")) }
            ?? defaults.setTimestamp
        rule.useGetMetricData =
            values["use_get_metric_data"].flatMap { bool($0.value, path.key("use_get_metric_data")) }
            ?? defaults.useGetMetricData
        rule.warnOnEmptyListDimensions =
            values["warn_on_empty_list_dimensions"].flatMap {
                bool($0.value, path.key("warn_on_empty_list_dimensions"))
            } ?? defaults.warnOnEmptyListDimensions
        if rule.rangeSeconds < rule.periodSeconds {
            let anchor = values["range_seconds"] ?? values["period_seconds"]
            warning(
                anchor?.value ?? node,
                anchor.map { path.key($0.key) } ?? path,
                "range_seconds (\(rule.rangeSeconds)) is shorter than period_seconds (\(rule.periodSeconds)), "
                    + "so a request may cover no complete period and return no datapoints"
            )
        }

        if let entry = values["aws_tag_select"], !entry.value.isNull {
            rule.tagSelect = tagSelect(entry.value, path: path.key("aws_tag_select"))
        }
        rule.tagLabels = config.tagLabels
        if let entry = values["tag_labels"], !entry.value.isNull {
            rule.tagLabels = tagLabels(entry.value, path: path.key("tag_labels"), base: config.tagLabels, global: false)
        }
        return errors.count == errorCount ? rule : nil
    }

    private mutating func decodeSelects(
        _ values: [String: (key: String, keyNode: ConfigNode, value: ConfigNode)],
        path: KeyPath,
        into rule: inout MetricRule
    ) {
        if let entry = values["aws_dimension_select"], !entry.value.isNull,
            let pairs = stringListMap(entry.value, path.key("aws_dimension_select"))
        {
            rule.dimensionSelect = Dictionary(
                pairs.map { ($0.key, $0.values) },
                uniquingKeysWith: { first, _ in first }
            )
            checkSelectKeys(pairs, entry: entry, path: path, dimensions: rule.awsDimensions)
        }
        if let entry = values["aws_dimension_select_regex"], !entry.value.isNull {
            let selectPath = path.key("aws_dimension_select_regex")
            if rule.dimensionSelect != nil || (values["aws_dimension_select"].map { !$0.value.isNull } ?? false) {
                error(
                    entry.keyNode,
                    selectPath,
                    "Must not provide aws_dimension_select and aws_dimension_select_regex at the same time"
                )
            }
            if let pairs = stringListMap(entry.value, selectPath) {
                rule.dimensionSelectRegex = Dictionary(
                    pairs.map { ($0.key, $0.values) },
                    uniquingKeysWith: { first, _ in first }
                )
                checkSelectKeys(pairs, entry: entry, path: path, dimensions: rule.awsDimensions)
                compileRegexes(entry.value, path: selectPath)
            }
        }
    }

    /// Compiles every regex of `aws_dimension_select_regex` now, so a bad one fails the load, not every scrape.
    private mutating func compileRegexes(_ node: ConfigNode, path: KeyPath) {
        guard case .mapping(let pairs) = node.kind else { return }
        for pair in pairs {
            guard let key = pair.key.keyText, case .sequence(let items) = pair.value.kind else { continue }
            for (index, item) in items.enumerated() {
                guard case .scalar(.string(let pattern), _) = item.kind else { continue }
                do {
                    _ = try JavaPattern(pattern, anchored: true)
                } catch let problem {
                    error(item, path.key(key).index(index), Self.invalidRegexMessage(pattern, problem))
                }
            }
        }
    }

    /// Select keys that are not among `aws_dimensions` can never match anything: almost always a typo.
    private mutating func checkSelectKeys(
        _ pairs: [(key: String, values: [String])],
        entry: (key: String, keyNode: ConfigNode, value: ConfigNode),
        path: KeyPath,
        dimensions: [String]?
    ) {
        guard let dimensions, case .mapping(let nodes) = entry.value.kind else { return }
        for pair in nodes {
            guard let key = pair.key.keyText, !dimensions.contains(key) else { continue }
            let nearest = KeySuggestion.nearest(to: key, in: dimensions).map { "; did you mean \($0)?" } ?? ""
            warning(
                pair.key,
                path.key(entry.key).key(key),
                "\(key) is not listed in aws_dimensions, so this selection is ignored\(nearest)"
            )
        }
    }

    private mutating func decodeStatistics(
        _ values: [String: (key: String, keyNode: ConfigNode, value: ConfigNode)],
        node: ConfigNode,
        path: KeyPath,
        into rule: inout MetricRule
    ) {
        var extended: [String]?
        if let entry = values["aws_extended_statistics"], !entry.value.isNull {
            let listPath = path.key("aws_extended_statistics")
            extended = stringList(entry.value, listPath)
            validate(entry.value, path: listPath, with: StatisticValidator.problem(withExtendedStatistic:))
        }
        rule.extendedStatistics = extended
        if let entry = values["aws_statistics"], !entry.value.isNull {
            let listPath = path.key("aws_statistics")
            rule.statistics = stringList(entry.value, listPath)
            validate(entry.value, path: listPath, with: StatisticValidator.problem(withStatistic:))
        } else if values["aws_extended_statistics"] != nil {
            // cloudwatch_exporter: no standard statistics by default once extended statistics are configured.
            rule.statistics = nil
        } else {
            rule.statistics = MetricRule.standardStatistics
        }
        if (rule.statistics ?? []).isEmpty && (rule.extendedStatistics ?? []).isEmpty {
            let anchor = values["aws_statistics"] ?? values["aws_extended_statistics"]
            error(
                anchor?.value ?? node,
                anchor.map { path.key($0.key) } ?? path,
                "no statistics to request: give aws_statistics or aws_extended_statistics at least one entry"
            )
        }
    }

    private mutating func validate(_ node: ConfigNode, path: KeyPath, with problem: (String) -> String?) {
        guard case .sequence(let items) = node.kind else { return }
        for (index, item) in items.enumerated() {
            guard case .scalar(.string(let name), _) = item.kind, let message = problem(name) else { continue }
            error(item, path.index(index), message)
        }
    }

    private mutating func tagSelect(_ node: ConfigNode, path: KeyPath) -> TagSelect? {
        guard let pairs = mapping(node, path) else { return nil }
        checkKeys(pairs, known: ConfigLoader.knownTagSelectKeys, path: path)
        let values = Dictionary(pairs.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        var resourceType: String?
        var idDimension: String?
        if let entry = values["resource_type_selection"] {
            resourceType = nonEmptyString(entry.value, path.key("resource_type_selection"))
        }
        if let entry = values["resource_id_dimension"] {
            idDimension = nonEmptyString(entry.value, path.key("resource_id_dimension"))
        }
        if values["resource_type_selection"] == nil || values["resource_id_dimension"] == nil {
            error(node, path, "Must provide resource_type_selection and resource_id_dimension")
        }
        var select = TagSelect(resourceTypeSelection: resourceType ?? "", resourceIdDimension: idDimension ?? "")
        if let entry = values["tag_selections"], !entry.value.isNull {
            let selectionsPath = path.key("tag_selections")
            if let pairs = stringListMap(entry.value, selectionsPath) {
                select.tagSelections = pairs.map { TagSelection(key: $0.key, values: $0.values) }
                if case .mapping(let nodes) = entry.value.kind {
                    for (pair, node) in zip(pairs, nodes) where pair.values.count > 20 {
                        error(
                            node.value,
                            selectionsPath.key(pair.key),
                            "the Tagging API accepts at most 20 values per tag key, got \(pair.values.count)"
                        )
                    }
                }
            }
        }
        if let entry = values["arn_resource_id_regexp"], !entry.value.isNull,
            let pattern = string(entry.value, path.key("arn_resource_id_regexp"))
        {
            do {
                _ = try JavaPattern(pattern, anchored: false)
                select.arnResourceIdRegexp = pattern
            } catch let problem {
                error(entry.value, path.key("arn_resource_id_regexp"), Self.invalidRegexMessage(pattern, problem))
            }
        }
        return select
    }

    /// The load error for a regex that does not compile: the pattern and what is wrong where.
    static func invalidRegexMessage(_ pattern: String, _ problem: JavaPatternSyntaxError) -> String {
        "invalid regular expression \"\(pattern)\": \(problem.reason)"
    }
}
