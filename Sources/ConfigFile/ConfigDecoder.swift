/// Walks the YAML tree, collecting every error and warning instead of stopping at the first.
struct ConfigDecoder {
    let file: String
    var errors: [ConfigDiagnostic] = []
    var warnings: [ConfigDiagnostic] = []

    init(file: String) {
        self.file = file
    }

    // MARK: Diagnostics

    mutating func error(_ node: ConfigNode, _ path: KeyPath, _ message: String) {
        errors.append(
            ConfigDiagnostic(file: file, line: node.line, column: node.column, keyPath: path.text, message: message)
        )
    }

    mutating func warning(_ node: ConfigNode, _ path: KeyPath, _ message: String) {
        warnings.append(
            ConfigDiagnostic(file: file, line: node.line, column: node.column, keyPath: path.text, message: message)
        )
    }

    // MARK: Structure

    /// The pairs of a mapping node with string keys, or `nil` (and an error) when it is not a mapping.
    mutating func mapping(_ node: ConfigNode, _ path: KeyPath) -> [(
        key: String, keyNode: ConfigNode, value: ConfigNode
    )]? {
        guard case .mapping(let pairs) = node.kind else {
            error(node, path, "expected a mapping (key: value lines), got \(node.kindDescription)")
            return nil
        }
        var result: [(key: String, keyNode: ConfigNode, value: ConfigNode)] = []
        for pair in pairs {
            guard let key = pair.key.keyText else {
                error(pair.key, path, "expected a plain key, got \(pair.key.kindDescription)")
                continue
            }
            result.append((key, pair.key, pair.value))
        }
        return result
    }

    /// Warns about keys not in `known`, naming the nearest known key.
    mutating func checkKeys(
        _ pairs: [(key: String, keyNode: ConfigNode, value: ConfigNode)],
        known: [String],
        path: KeyPath,
        hint: (String) -> String? = { _ in nil }
    ) {
        for pair in pairs where !known.contains(pair.key) {
            let suggestion = hint(pair.key) ?? KeySuggestion.message(for: pair.key, known: known)
            warning(pair.keyNode, path.key(pair.key), "unknown key \"\(pair.key)\" is ignored; \(suggestion)")
        }
    }

    // MARK: Scalars

    /// A string value; anything YAML 1.1 resolves to another type is an error suggesting quotes.
    mutating func string(_ node: ConfigNode, _ path: KeyPath) -> String? {
        switch node.kind {
        case .scalar(.string(let text), _):
            return text
        case .scalar(.null, _):
            error(node, path, "expected a string, got an empty value")
            return nil
        case .scalar(let value, let text):
            error(
                node,
                path,
                "expected a string, got \(value.kindDescription) (YAML 1.1 reads unquoted \(text) that way); "
                    + "quote it: \"\(text)\""
            )
            return nil
        default:
            error(node, path, "expected a string, got \(node.kindDescription)")
            return nil
        }
    }

    /// A non-empty string.
    mutating func nonEmptyString(_ node: ConfigNode, _ path: KeyPath) -> String? {
        guard let text = string(node, path) else { return nil }
        if text.isEmpty {
            error(node, path, "must not be empty")
            return nil
        }
        return text
    }

    /// An integer; floats are truncated toward zero as Java's `Number.intValue()` does (`60.9` → 60).
    mutating func int(_ node: ConfigNode, _ path: KeyPath) -> Int? {
        switch node.scalar {
        case .int(let value):
            return value
        case .float(let value):
            guard value.isFinite, value.magnitude < 9.0e15 else {
                error(node, path, "expected a finite number, got \(JavaLikeNumber.text(value))")
                return nil
            }
            return Int(value.rounded(.towardZero))
        case .bigInt(let text):
            error(node, path, "number \(text) is out of range")
            return nil
        case .string(let text):
            error(node, path, "expected a number, got the string \"\(text)\"; remove the quotes")
            return nil
        default:
            error(node, path, "expected a number, got \(node.kindDescription)")
            return nil
        }
    }

    /// A floating-point number (integers allowed).
    mutating func double(_ node: ConfigNode, _ path: KeyPath) -> Double? {
        switch node.scalar {
        case .int(let value):
            return Double(value)
        case .float(let value) where value.isFinite:
            return value
        case .string(let text):
            error(node, path, "expected a number, got the string \"\(text)\"; remove the quotes")
            return nil
        default:
            error(node, path, "expected a finite number, got \(node.kindDescription)")
            return nil
        }
    }

    /// A boolean (YAML 1.1: `true/false/yes/no/on/off` in lower, Capitalised or UPPER case).
    mutating func bool(_ node: ConfigNode, _ path: KeyPath) -> Bool? {
        switch node.scalar {
        case .bool(let value):
            return value
        case .string(let text):
            let hint =
                ["true", "false", "yes", "no", "on", "off"].contains(text.lowercased())
                ? "; write it unquoted in lower case, e.g. \(text.lowercased())" : ""
            error(node, path, "expected a boolean (true or false), got the string \"\(text)\"\(hint)")
            return nil
        default:
            error(node, path, "expected a boolean (true or false), got \(node.kindDescription)")
            return nil
        }
    }

    /// A list of strings; `nil` (and an error) when it is not a list. Bad elements are reported and skipped.
    mutating func stringList(_ node: ConfigNode, _ path: KeyPath) -> [String]? {
        guard case .sequence(let items) = node.kind else {
            error(node, path, "expected a list, got \(node.kindDescription)")
            return nil
        }
        var result: [String] = []
        for (index, item) in items.enumerated() {
            if let text = string(item, path.index(index)) { result.append(text) }
        }
        return result
    }

    /// A mapping of string keys to lists of strings, in document order.
    mutating func stringListMap(_ node: ConfigNode, _ path: KeyPath) -> [(key: String, values: [String])]? {
        guard let pairs = mapping(node, path) else { return nil }
        var result: [(key: String, values: [String])] = []
        for pair in pairs {
            let keyPath = path.key(pair.key)
            if case .scalar(let keyValue, _) = pair.keyNode.kind, keyValue != .string(pair.key) {
                error(
                    pair.keyNode,
                    keyPath,
                    "key \(pair.key) is \(keyValue.kindDescription) in YAML 1.1, not a string; "
                        + "quote it: \"\(pair.key)\""
                )
            }
            if let values = stringList(pair.value, keyPath) { result.append((pair.key, values)) }
        }
        return result
    }
}

/// Formats numbers in messages.
enum JavaLikeNumber {
    static func text(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        return "\(value)"
    }
}
