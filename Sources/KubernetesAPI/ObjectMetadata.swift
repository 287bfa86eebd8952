/// The part of `metadata` kept from any object: namespace, name, resourceVersion and the allowlisted labels.
///
/// Every field is optional and read leniently: a missing or mistyped one is nil, and the caller decides whether the
/// object is usable. Labels are read only for keys in the allowlist the decoder carries, so an object with thousands
/// of labels costs a dictionary of the few kept.
struct ObjectMetadata: Decodable, Sendable {
    /// The `userInfo` key under which the decoder carries the label allowlist (a `Set<String>`).
    static let labelAllowlistKey = CodingUserInfoKey(rawValue: "cloudwatchTagExporter.labelAllowlist")

    var namespace: String?
    var name: String?
    var resourceVersion: String?
    var labels: [String: String]

    private enum CodingKeys: String, CodingKey {
        case namespace
        case name
        case resourceVersion
        case labels
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        namespace = try? container.decodeIfPresent(String.self, forKey: .namespace)
        name = try? container.decodeIfPresent(String.self, forKey: .name)
        resourceVersion = try? container.decodeIfPresent(String.self, forKey: .resourceVersion)
        labels = [:]
        guard let key = Self.labelAllowlistKey,
            let allowlist = decoder.userInfo[key] as? Set<String>, !allowlist.isEmpty,
            let labelContainer = try? container.nestedContainer(keyedBy: AnyCodingKey.self, forKey: .labels)
        else { return }
        for labelKey in allowlist {
            if let value = try? labelContainer.decodeIfPresent(String.self, forKey: AnyCodingKey(labelKey)) {
                labels[labelKey] = value
            }
        }
    }

    /// `namespace/name` when both are present and not empty.
    var objectName: KubernetesObjectName? {
        guard let namespace, !namespace.isEmpty, let name, !name.isEmpty else { return nil }
        return KubernetesObjectName(namespace: namespace, name: name)
    }
}
