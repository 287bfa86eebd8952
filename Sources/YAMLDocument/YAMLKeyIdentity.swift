/// What makes two mapping keys the same key, for ``YAMLDuplicateKeys/reject(scalarType:)``: a scalar's text and
/// type, or a collection's items in order.
indirect enum YAMLKeyIdentity: Hashable {
    case scalar(type: String, value: String)
    case sequence([YAMLKeyIdentity])
    case mapping([YAMLKeyIdentity])

    init(_ node: YAMLNode, scalarType: (YAMLScalar) -> String) {
        switch node.kind {
        case .scalar(let scalar):
            self = .scalar(type: scalarType(scalar), value: scalar.value)
        case .sequence(let items):
            self = .sequence(items.map { YAMLKeyIdentity($0, scalarType: scalarType) })
        case .mapping(let pairs):
            self = .mapping(
                pairs.flatMap {
                    [
                        YAMLKeyIdentity($0.key, scalarType: scalarType),
                        YAMLKeyIdentity($0.value, scalarType: scalarType),
                    ]
                }
            )
        }
    }

    /// The error for `keys` when one of them occurs more than once, else nil. As Yams reported them: the repeated
    /// keys sorted by text (scalars before other keys, which are named `<uncovertable>`), at the first occurrence of
    /// the first.
    static func duplicates(among keys: [YAMLNode], scalarType: (YAMLScalar) -> String) -> YAMLError? {
        var firstIndex: [YAMLKeyIdentity: Int] = [:]
        var repeated: [Int] = []
        var seen: Set<Int> = []
        for (index, key) in keys.enumerated() {
            let identity = YAMLKeyIdentity(key, scalarType: scalarType)
            if let first = firstIndex[identity] {
                if seen.insert(first).inserted { repeated.append(first) }
            } else {
                firstIndex[identity] = index
            }
        }
        guard !repeated.isEmpty else { return nil }
        let sorted = repeated.sorted { lhs, rhs in
            switch (keys[lhs].scalar, keys[rhs].scalar) {
            case (let left?, let right?): left.value < right.value || (left.value == right.value && lhs < rhs)
            case (.some, nil): true
            case (nil, .some): false
            case (nil, nil): lhs < rhs
            }
        }
        let names = sorted.map { keys[$0].scalar?.value ?? "<uncovertable>" }
        return YAMLError(
            .duplicateKeys,
            problem: "found duplicate keys: \(names.joined(separator: ", "))",
            mark: keys[sorted[0]].mark,
            duplicateKeys: names
        )
    }
}
