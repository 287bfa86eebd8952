/// `kubernetes`, at the top level only.
extension ConfigDecoder {
    /// Decodes the `kubernetes` block.
    mutating func kubernetes(_ node: ConfigNode, path: KeyPath) -> KubernetesSettings {
        var settings = KubernetesSettings()
        guard let pairs = mapping(node, path) else { return settings }
        checkKeys(pairs, known: ConfigLoader.knownKubernetesKeys, path: path)
        for pair in pairs {
            let keyPath = path.key(pair.key)
            switch pair.key {
            case "enabled":
                if let value = bool(pair.value, keyPath) { settings.enabled = value }
            case "target_group_bindings":
                if let value = bool(pair.value, keyPath) { settings.targetGroupBindings = value }
            case "kubeconfig":
                guard let value = string(pair.value, keyPath) else { break }
                if value.isEmpty {
                    error(pair.value, keyPath, "must be a path (leave the key out to use the in-cluster account)")
                } else {
                    settings.kubeconfig = value
                }
            case "context":
                guard let value = string(pair.value, keyPath) else { break }
                settings.context = value.isEmpty ? nil : value
            case "service_labels":
                guard let keys = stringList(pair.value, keyPath) else { break }
                var seen: [String: String] = [:]
                for key in keys {
                    if let problem = Self.labelKeyProblem(key) {
                        error(pair.value, keyPath, "\"\(key)\": \(problem)")
                    } else if let other = seen[KubernetesSettings.sampleLabel(ofServiceLabel: key)] {
                        error(
                            pair.value,
                            keyPath,
                            "\"\(key)\" and \"\(other)\" both become \(KubernetesSettings.sampleLabel(ofServiceLabel: key))"
                        )
                    } else {
                        seen[KubernetesSettings.sampleLabel(ofServiceLabel: key)] = key
                        settings.serviceLabels.append(key)
                    }
                }
            default:
                break
            }
        }
        return settings
    }

    /// `nil` for a Kubernetes label key (`[prefix/]name`: a DNS subdomain prefix of at most 253 characters, a name of
    /// at most 63 alphanumerics, `-`, `_` and `.`, starting and ending alphanumeric), else why not.
    static func labelKeyProblem(_ key: String) -> String? {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let name = parts.last else { return "not a Kubernetes label key" }
        func alphanumeric(_ scalar: Unicode.Scalar) -> Bool {
            scalar.isASCII
                && (("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar))
        }
        let nameScalars = Array(name.unicodeScalars)
        guard let first = nameScalars.first, let last = nameScalars.last, nameScalars.count <= 63,
            alphanumeric(first), alphanumeric(last),
            nameScalars.allSatisfy({ alphanumeric($0) || $0 == "-" || $0 == "_" || $0 == "." })
        else { return "the name part must be 1-63 letters, digits, '-', '_' or '.', starting and ending alphanumeric" }
        if parts.count == 2 {
            let prefix = Array(parts[0].unicodeScalars)
            guard !prefix.isEmpty, prefix.count <= 253,
                prefix.allSatisfy({ alphanumeric($0) || $0 == "-" || $0 == "." }),
                let start = prefix.first, alphanumeric(start)
            else { return "the prefix must be a DNS subdomain" }
        }
        return nil
    }
}
