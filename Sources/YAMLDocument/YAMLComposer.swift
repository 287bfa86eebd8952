/// Composes a YAML document into a ``YAMLNode`` tree over libyaml's event API (the system's libyaml, `yaml-0.1`).
///
/// One document per text: a second one is an error. Aliases are replaced by their anchor's node (an alias to an anchor
/// not yet complete, or to none, is an error), within ``YAMLLimits/aliasedNodes``. Work is bounded by the text and
/// the limits: the composer keeps its own stack instead of recursing, and nesting stops at
/// ``YAMLLimits/nestingLevels``.
///
/// Errors carry libyaml's problem text and positions: the same events, messages and marks Yams gave, since Yams
/// composed over libyaml too.
public struct YAMLComposer: Sendable {
    /// The limits.
    public var limits: YAMLLimits
    /// What happens to a mapping with duplicate keys.
    public var duplicateKeys: YAMLDuplicateKeys

    /// A composer with these limits and duplicate-key rule (by default: the default limits, duplicates kept).
    public init(limits: YAMLLimits = YAMLLimits(), duplicateKeys: YAMLDuplicateKeys = .keep) {
        self.limits = limits
        self.duplicateKeys = duplicateKeys
    }

    /// The document in `yaml`, or nil when the text has none (it is empty, or only comments).
    /// - Throws: ``YAMLError``, with the position of the problem.
    public func compose(_ yaml: String) throws(YAMLError) -> YAMLNode? {
        var text = yaml
        let result: Result<YAMLNode?, YAMLError> = text.withUTF8 { buffer in
            if let start = buffer.baseAddress {
                return Result { () throws(YAMLError) in try compose(buffer, start: start) }
            }
            // An empty string may have no storage; libyaml needs an address all the same.
            var nothing: UInt8 = 0
            return withUnsafePointer(to: &nothing) { start in
                Result { () throws(YAMLError) in try compose(buffer, start: start) }
            }
        }
        return try result.get()
    }

    private func compose(_ buffer: UnsafeBufferPointer<UInt8>, start: UnsafePointer<UInt8>) throws(YAMLError)
        -> YAMLNode?
    {
        var parser = try LibYAMLParser(input: buffer, start: start, nestingLevels: limits.nestingLevels)
        _ = try parser.next()  // the stream's start
        let first = try parser.next()
        if case .streamEnd = first { return nil }
        var builder = YAMLTreeBuilder(limits: limits, duplicateKeys: duplicateKeys)
        let root = try builder.document(from: &parser)
        _ = try parser.next()  // the document's end
        let next = try parser.next()
        if case .streamEnd = next { return root }
        throw YAMLError(
            .composer,
            problem: "but found another document",
            mark: next.mark ?? YAMLMark(line: 1, column: 1),
            context: "expected a single document in the stream",
            contextMark: YAMLMark(line: 1, column: 1)
        )
    }
}
