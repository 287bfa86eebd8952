/// Why a YAML text could not be composed: libyaml's error (its stage, problem text, context and positions), or one of
/// the composer's own (an undefined alias, a second document, duplicate keys, a limit).
public struct YAMLError: Error, Sendable, CustomStringConvertible {
    /// Which stage found the problem.
    public enum Kind: Sendable, Hashable {
        /// libyaml's reader: the text has a character YAML does not allow (a control character such as NUL).
        case reader
        /// libyaml's scanner: a token is malformed (an unterminated quote, a tab in indentation, …).
        case scanner
        /// libyaml's parser: the tokens do not form YAML (a missing `]`, a bad indentation, …), or the nesting limit
        /// (``YAMLLimits/nestingLevels``).
        case parser
        /// The composer: an undefined alias, a second document, or more aliased nodes than
        /// ``YAMLLimits/aliasedNodes``.
        case composer
        /// A mapping has the same key more than once (only with ``YAMLDuplicateKeys/reject(scalarType:)``).
        case duplicateKeys
        /// libyaml could not allocate memory.
        case memory
    }

    /// Which stage found the problem.
    public var kind: Kind
    /// What is wrong, in libyaml's words for libyaml's errors ("found undefined alias", "did not find expected key").
    public var problem: String
    /// Where the problem is. For reader errors it is worked out from ``offset``; for memory errors it is 1:1.
    public var mark: YAMLMark
    /// What libyaml was reading when it found the problem ("while parsing a block mapping"), if it says.
    public var context: String?
    /// Where that started.
    public var contextMark: YAMLMark?
    /// Reader errors: the offset of the problem in the text's UTF-8 bytes.
    public var offset: Int?
    /// Reader errors: the offending character's code point (or byte), or -1.
    public var value: Int?
    /// Duplicate keys: the keys found more than once in one mapping (`<uncovertable>` for a key that is not a
    /// scalar), sorted by text; ``mark`` is the first occurrence of the first of them.
    public var duplicateKeys: [String]

    /// An error from its parts.
    public init(
        _ kind: Kind,
        problem: String,
        mark: YAMLMark,
        context: String? = nil,
        contextMark: YAMLMark? = nil,
        offset: Int? = nil,
        value: Int? = nil,
        duplicateKeys: [String] = []
    ) {
        self.kind = kind
        self.problem = problem
        self.mark = mark
        self.context = context
        self.contextMark = contextMark
        self.offset = offset
        self.value = value
        self.duplicateKeys = duplicateKeys
    }

    /// `line:column: context problem`, without any of the text (which may hold a secret).
    public var description: String {
        let words = [context, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        return "\(mark): \(words)"
    }
}
