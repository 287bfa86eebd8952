import AWSServices

/// The tags of one resource by key, read as hostile input: a key given twice with different values is not known.
///
/// AWS keeps one value per key, so a second, different value means the list did not come from AWS as it is; neither
/// value is then certain.
struct TagLookup {
    /// The longest value read: AWS allows 256 characters; anything longer did not come from AWS.
    static let maximumValueBytes = 1024

    private let values: [String: String]
    private let keys: [String]

    init(_ tags: [AWSTag]) {
        var values: [String: String] = [:]
        var conflicting = Set<String>()
        for tag in tags {
            if let known = values[tag.key], known != tag.value { conflicting.insert(tag.key) }
            values[tag.key] = tag.value
        }
        for key in conflicting { values[key] = nil }
        self.values = values.filter { $0.value.utf8.count <= Self.maximumValueBytes }
        self.keys = tags.map(\.key)
    }

    /// The value of `key`, or nil when absent, given twice with different values, or too long.
    subscript(_ key: String) -> String? { values[key] }

    /// Whether any key (known or conflicting) starts with one of `prefixes`.
    func hasKey(withPrefixIn prefixes: [String]) -> Bool {
        keys.contains { key in prefixes.contains { key.hasPrefix($0) } }
    }
}
