/// Builds one document's node tree from libyaml's events, with an explicit stack: nesting costs heap, never the
/// thread's stack.
struct YAMLTreeBuilder {
    private let limits: YAMLLimits
    private let duplicateKeys: YAMLDuplicateKeys
    /// Each anchor's latest node (a later anchor of the same name shadows it) and its node count, aliases expanded.
    private var anchors: [String: (node: YAMLNode, count: Int)] = [:]
    /// Nodes added through aliases so far.
    private var aliased = 0

    /// A sequence or mapping whose end event has not come yet.
    private struct Open {
        var isMapping: Bool
        var mark: YAMLMark
        var tag: String?
        var anchor: String?
        /// A sequence's items, or a mapping's keys and values in turn.
        var items: [YAMLNode] = []
        /// Nodes in the collection so far, itself included.
        var count = 1
    }

    init(limits: YAMLLimits, duplicateKeys: YAMLDuplicateKeys) {
        self.limits = limits
        self.duplicateKeys = duplicateKeys
    }

    /// The document's root, from its first node event to that node's end.
    mutating func document(from parser: inout LibYAMLParser) throws(YAMLError) -> YAMLNode {
        // libyaml's nesting check bounds the depth (an indentless sequence adds a level without an indentation level,
        // at most one per block mapping); this bound only guards the composer should that ever not hold.
        let depthLimit = limits.nestingLevels > Int.max / 2 - 1 ? Int.max : 2 * limits.nestingLevels + 2
        var open: [Open] = []
        while true {
            let event = try parser.next()
            let completed: (node: YAMLNode, count: Int)
            switch event {
            case .scalar(let scalar, let anchor, let mark):
                completed = (YAMLNode(.scalar(scalar), mark: mark), 1)
                if let anchor { anchors[anchor] = completed }
            case .alias(let anchor, let mark):
                completed = try resolve(alias: anchor, at: mark)
            case .sequenceStart(let anchor, let tag, let mark), .mappingStart(let anchor, let tag, let mark):
                guard open.count < depthLimit else {
                    throw YAMLError(.composer, problem: "nesting deeper than \(depthLimit) levels", mark: mark)
                }
                var isMapping = false
                if case .mappingStart = event { isMapping = true }
                open.append(Open(isMapping: isMapping, mark: mark, tag: tag, anchor: anchor))
                continue
            case .sequenceEnd, .mappingEnd:
                guard let collection = open.popLast() else {
                    throw YAMLError(.composer, problem: "found an unexpected end", mark: YAMLMark(line: 1, column: 1))
                }
                completed = (try node(of: collection), collection.count)
                if let anchor = collection.anchor { anchors[anchor] = completed }
            case .streamStart, .streamEnd, .documentStart, .documentEnd, .none:
                throw YAMLError(
                    .composer,
                    problem: "found an unexpected event where a node belongs",
                    mark: event.mark ?? YAMLMark(line: 1, column: 1)
                )
            }
            guard !open.isEmpty else { return completed.node }
            open[open.count - 1].items.append(completed.node)
            open[open.count - 1].count += completed.count
        }
    }

    /// The anchor's node, counted against ``YAMLLimits/aliasedNodes``. An anchor is defined once its node is
    /// complete, so an alias inside its own anchor's node finds an earlier anchor of that name, or none.
    private mutating func resolve(alias anchor: String, at mark: YAMLMark) throws(YAMLError) -> (YAMLNode, Int) {
        guard let target = anchors[anchor] else {
            throw YAMLError(.composer, problem: "found undefined alias", mark: mark)
        }
        guard target.count <= limits.aliasedNodes - aliased else {
            throw YAMLError(
                .composer,
                problem: "aliases expand to more than \(limits.aliasedNodes) nodes",
                mark: mark
            )
        }
        aliased += target.count
        return target
    }

    private func node(of collection: Open) throws(YAMLError) -> YAMLNode {
        guard collection.isMapping else {
            return YAMLNode(.sequence(collection.items), mark: collection.mark, tag: collection.tag)
        }
        var pairs: [(key: YAMLNode, value: YAMLNode)] = []
        pairs.reserveCapacity(collection.items.count / 2)
        var index = collection.items.startIndex
        while index + 1 < collection.items.endIndex {
            pairs.append((collection.items[index], collection.items[index + 1]))
            index += 2
        }
        if case .reject(let scalarType) = duplicateKeys,
            let duplicates = YAMLKeyIdentity.duplicates(among: pairs.map(\.key), scalarType: scalarType)
        {
            throw duplicates
        }
        return YAMLNode(.mapping(pairs), mark: collection.mark, tag: collection.tag)
    }
}
