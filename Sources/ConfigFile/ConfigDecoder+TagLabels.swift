/// `tag_labels`, at the top level and per rule.
extension ConfigDecoder {
    /// Decodes a `tag_labels` block over `base`: every key given overrides that field, the rest is inherited.
    mutating func tagLabels(_ node: ConfigNode, path: KeyPath, base: TagLabelSettings, global: Bool) -> TagLabelSettings
    {
        var settings = base
        guard let pairs = mapping(node, path) else { return settings }
        checkKeys(pairs, known: ConfigLoader.knownTagLabelKeys, path: path)
        for pair in pairs {
            let keyPath = path.key(pair.key)
            if !global && ConfigLoader.globalOnlyTagLabelKeys.contains(pair.key) {
                error(pair.keyNode, keyPath, "\(pair.key) is only allowed in the top-level tag_labels")
                continue
            }
            switch pair.key {
            case "enabled":
                if let value = bool(pair.value, keyPath) { settings.enabled = value }
            case "kubernetes":
                if let value = bool(pair.value, keyPath) { settings.kubernetes = value }
            case "all_tags":
                if let value = bool(pair.value, keyPath) { settings.allTags = value }
            case "info_metric":
                if let value = bool(pair.value, keyPath) { settings.infoMetric = value }
            case "cache_ttl_seconds":
                guard let value = int(pair.value, keyPath) else { break }
                if let limit = ConfigLimit.of("tag_labels.cache_ttl_seconds"), !limit.accepts(Double(value)) {
                    error(pair.value, keyPath, limit.message(for: value))
                } else {
                    settings.cacheTTLSeconds = value
                }
            case "cluster_label":
                guard let value = string(pair.value, keyPath) else { break }
                if value.isEmpty {
                    settings.clusterLabel = nil
                } else if let problem = Self.labelNameProblem(value) {
                    error(pair.value, keyPath, problem)
                } else {
                    settings.clusterLabel = value
                }
            case "tags":
                if let tags = tagLabelMap(pair.value, path: keyPath) { settings.tags = tags }
            default:
                break
            }
        }
        return settings
    }

    private mutating func tagLabelMap(_ node: ConfigNode, path: KeyPath) -> [TagLabel]? {
        if node.isNull { return [] }
        guard let pairs = mapping(node, path) else { return nil }
        var result: [TagLabel] = []
        var tagKeyByLabel: [String: String] = [:]
        for pair in pairs {
            let keyPath = path.key(pair.key)
            if case .scalar(let keyValue, _) = pair.keyNode.kind, keyValue != .string(pair.key) {
                error(
                    pair.keyNode,
                    keyPath,
                    "tag key \(pair.key) is \(keyValue.kindDescription) in YAML 1.1, not a string; "
                        + "quote it: \"\(pair.key)\""
                )
                continue
            }
            guard let label = string(pair.value, keyPath) else { continue }
            if let problem = Self.labelNameProblem(label) {
                error(pair.value, keyPath, problem)
            } else if let other = tagKeyByLabel[label] {
                error(pair.value, keyPath, "label \(label) is already used for tag \"\(other)\"")
            } else {
                tagKeyByLabel[label] = pair.key
                result.append(TagLabel(tagKey: pair.key, labelName: label))
            }
        }
        return result
    }

    /// `nil` for a usable label name, else why not.
    static func labelNameProblem(_ name: String) -> String? {
        let scalars = Array(name.unicodeScalars)
        let isStart: (Unicode.Scalar) -> Bool = { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || $0 == "_" }
        guard let first = scalars.first, isStart(first),
            scalars.allSatisfy({ isStart($0) || ("0"..."9").contains($0) })
        else {
            return "\"\(name)\" is not a valid label name: it must match [a-zA-Z_][a-zA-Z0-9_]*"
        }
        if name.hasPrefix("__") {
            return "\"\(name)\" is not a valid label name: names starting with __ are reserved by Prometheus"
        }
        if name == "job" || name == "instance" {
            return "\"\(name)\" collides with the \(name) label every CloudWatch sample already has"
        }
        return nil
    }
}
