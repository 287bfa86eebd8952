/// One node of a composed YAML document: a scalar, a sequence or a mapping, with the position where it starts.
///
/// Aliases are already replaced by the node their anchor names, which keeps the anchor's position (a problem in
/// aliased content is reported where that content is written). Mappings keep their pairs in document order, duplicate
/// keys included unless ``YAMLComposer`` was told to reject them.
public struct YAMLNode: Sendable {
    /// What the node is.
    public enum Kind: Sendable {
        /// A scalar.
        case scalar(YAMLScalar)
        /// A sequence, its items in order.
        case sequence([YAMLNode])
        /// A mapping, its pairs in document order.
        case mapping([(key: YAMLNode, value: YAMLNode)])
    }

    /// What the node is.
    public var kind: Kind
    /// Where the node starts (its anchor or tag, if written before it).
    public var mark: YAMLMark
    /// A sequence's or mapping's tag as written (`!!omap`), or nil; a scalar's tag is ``YAMLScalar/tag``.
    public var tag: String?

    /// A node from its parts.
    public init(_ kind: Kind, mark: YAMLMark, tag: String? = nil) {
        self.kind = kind
        self.mark = mark
        self.tag = tag
    }

    /// The scalar, when the node is one.
    public var scalar: YAMLScalar? {
        if case .scalar(let scalar) = kind { return scalar }
        return nil
    }

    /// The items, when the node is a sequence.
    public var sequence: [YAMLNode]? {
        if case .sequence(let items) = kind { return items }
        return nil
    }

    /// The pairs, when the node is a mapping.
    public var mapping: [(key: YAMLNode, value: YAMLNode)]? {
        if case .mapping(let pairs) = kind { return pairs }
        return nil
    }

    /// In a mapping, the value of the last pair whose key is the string `key`: a scalar with that text that is
    /// untagged or tagged `!` or `!!str`. Nil for other nodes, or when no key matches.
    public subscript(key: String) -> YAMLNode? {
        guard let pairs = mapping else { return nil }
        return pairs.last { pair in
            guard let scalar = pair.key.scalar, scalar.value == key else { return false }
            return scalar.tag == nil || scalar.tag == YAMLScalar.stringTag || scalar.tag == YAMLScalar.nonSpecificTag
        }?.value
    }
}
