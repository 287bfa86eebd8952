import YAMLDocument

/// A YAML node with YAML 1.1 scalars and 1-based positions, converted from a composed ``YAMLNode``.
struct ConfigNode {
    enum Kind {
        /// A scalar: its resolved value and its source text (for messages such as "quote it").
        case scalar(YAML11Scalar, text: String)
        case mapping([(key: ConfigNode, value: ConfigNode)])
        case sequence([ConfigNode])
    }

    var kind: Kind
    var line: Int
    var column: Int

    /// The type a scalar is given before its text is read: plain untagged scalars (``implicitTag``) are resolved
    /// with YAML 1.1's rules; quoted and block scalars, and those tagged `!`, are strings; others keep their tag.
    /// Two keys of one mapping are the same key when their texts and these types are equal.
    static func scalarType(_ scalar: YAMLScalar) -> String {
        switch scalar.tag {
        case nil: scalar.style == .plain ? implicitTag : YAMLScalar.stringTag
        case YAMLScalar.nonSpecificTag?: YAMLScalar.stringTag
        case let tag?: tag
        }
    }

    /// The type of plain untagged scalars, resolved here with YAML 1.1 rules (as SnakeYAML does).
    static let implicitTag = "tag:cloudwatch-tag-exporter,2026:implicit"

    var scalar: YAML11Scalar? {
        if case .scalar(let value, _) = kind { return value }
        return nil
    }

    var isNull: Bool { scalar == .null }

    /// A short description of what the node is, for type errors.
    var kindDescription: String {
        switch kind {
        case .scalar(.string(let text), _): "the string \"\(text)\""
        case .scalar(.null, _): "an empty value"
        case .scalar(let value, let text): "\(value.kindDescription) (\(text))"
        case .mapping: "a mapping"
        case .sequence: "a list"
        }
    }

    init(kind: Kind, line: Int, column: Int) {
        self.kind = kind
        self.line = line
        self.column = column
    }

    /// Converts a composed node (its aliases already expanded); merge keys (`<<: *anchor`) are applied as SnakeYAML
    /// does (explicit keys win).
    init(_ node: YAMLNode) {
        line = node.mark.line
        column = node.mark.column
        switch node.kind {
        case .scalar(let scalar):
            kind = .scalar(Self.resolve(scalar), text: scalar.value)
        case .sequence(let items):
            kind = .sequence(items.map(ConfigNode.init))
        case .mapping(let pairs):
            kind = .mapping(Self.mergedPairs(pairs))
        }
    }

    private static func resolve(_ scalar: YAMLScalar) -> YAML11Scalar {
        let text = scalar.value
        switch scalarType(scalar) {
        case implicitTag:
            return YAML11Scalar.resolve(plain: text)
        case YAMLScalar.stringTag:
            return .string(text)
        case YAMLScalar.nullTag:
            return .null
        default:
            // An explicit `!!int`, `!!bool`, `!!float` (or anything else): resolve the text and let the type checks
            // report a mismatch.
            return YAML11Scalar.resolve(plain: text)
        }
    }

    private static func mergedPairs(_ mapping: [(key: YAMLNode, value: YAMLNode)]) -> [(
        key: ConfigNode, value: ConfigNode
    )] {
        var pairs: [(key: ConfigNode, value: ConfigNode)] = []
        var merged: [(key: ConfigNode, value: ConfigNode)] = []
        for (key, value) in mapping {
            if let keyScalar = key.scalar, keyScalar.value == "<<", keyScalar.isPlainUntagged {
                let sources = value.sequence ?? [value]
                for source in sources {
                    if let sourceMapping = source.mapping {
                        merged.append(contentsOf: mergedPairs(sourceMapping))
                    }
                }
                continue
            }
            pairs.append((ConfigNode(key), ConfigNode(value)))
        }
        let explicitKeys = Set(pairs.compactMap(\.key.keyText))
        var seenMerged: Set<String> = []
        for pair in merged {
            guard let key = pair.key.keyText, !explicitKeys.contains(key), seenMerged.insert(key).inserted else {
                continue
            }
            pairs.append(pair)
        }
        return pairs
    }

    /// The text of a scalar key.
    var keyText: String? {
        if case .scalar(_, let text) = kind { return text }
        return nil
    }
}
