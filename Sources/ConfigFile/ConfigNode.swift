import Yams

/// A YAML node with YAML 1.1 scalars and 1-based positions, converted from Yams' `Node`.
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

    /// The tag Yams gives untagged plain scalars when composed with ``implicitResolver``: every such scalar is
    /// resolved here with YAML 1.1 rules instead of Yams' YAML 1.2 rules.
    static let implicitTag = Tag.Name(rawValue: "tag:cloudwatch-tag-exporter,2026:implicit")

    /// A resolver that tags every untagged plain scalar with ``implicitTag``. Quoted scalars are tagged `!!str` by
    /// Yams before any resolver runs, so they stay strings.
    static func implicitResolver() throws -> Resolver {
        try Resolver.basic.appending(implicitTag, "^")
    }

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

    /// Converts a Yams node; merge keys (`<<: *anchor`) are applied as SnakeYAML does (explicit keys win).
    init(_ node: Node) {
        let mark = node.mark
        line = mark?.line ?? 1
        column = mark?.column ?? 1
        switch node {
        case .scalar(let scalar):
            kind = .scalar(Self.resolve(scalar), text: scalar.string)
        case .sequence(let sequence):
            kind = .sequence(sequence.map(ConfigNode.init))
        case .mapping(let mapping):
            kind = .mapping(Self.mergedPairs(mapping))
        case .alias(let alias):
            // Yams dereferences aliases while composing; this only covers a dangling alias.
            kind = .scalar(.string("*\(alias.anchor.rawValue)"), text: "*\(alias.anchor.rawValue)")
        }
    }

    private static func resolve(_ scalar: Node.Scalar) -> YAML11Scalar {
        let text = scalar.string
        switch scalar.tag.description {
        case implicitTag.rawValue:
            return YAML11Scalar.resolve(plain: text)
        case Tag.Name.str.rawValue:
            return .string(text)
        case Tag.Name.null.rawValue:
            return .null
        default:
            // An explicit `!!int`, `!!bool`, `!!float` (or anything else): resolve the text and let the type checks
            // report a mismatch.
            let resolved = YAML11Scalar.resolve(plain: text)
            return resolved
        }
    }

    private static func mergedPairs(_ mapping: Node.Mapping) -> [(key: ConfigNode, value: ConfigNode)] {
        var pairs: [(key: ConfigNode, value: ConfigNode)] = []
        var merged: [(key: ConfigNode, value: ConfigNode)] = []
        for (key, value) in mapping {
            if case .scalar(let keyScalar) = key, keyScalar.string == "<<", keyScalar.style == .plain {
                let sources: [Node] = value.sequence.map { Array($0) } ?? [value]
                for source in sources {
                    if case .mapping(let sourceMapping) = source {
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
