/// A scalar as libyaml reads it: its text after escapes and folding, its tag as written, and its style.
///
/// Nothing is resolved here: `010`, `yes` and `~` are text. Which plain scalars are numbers, booleans or null is the
/// caller's schema (ConfigFile resolves YAML 1.1, as SnakeYAML does).
public struct YAMLScalar: Sendable, Hashable {
    /// How the scalar is written.
    public enum Style: Sendable, Hashable {
        /// Unquoted (also the empty value of `key:`).
        case plain
        /// In single or double quotes.
        case quoted
        /// A `|` block.
        case literal
        /// A `>` block.
        case folded
    }

    /// The tag YAML gives `!!str`.
    public static let stringTag = "tag:yaml.org,2002:str"
    /// The tag YAML gives `!!null`.
    public static let nullTag = "tag:yaml.org,2002:null"
    /// The non-specific tag `!`: "a string, a sequence or a mapping, never resolved from the text".
    public static let nonSpecificTag = "!"

    /// The text, escapes applied (it may contain any character, NUL included, from a double-quoted `\0`).
    public var value: String
    /// The tag, with its handle expanded (`!!str` is ``stringTag``), or nil when none is written.
    public var tag: String?
    /// How it is written.
    public var style: Style

    /// A scalar from its parts.
    public init(_ value: String, tag: String? = nil, style: Style = .plain) {
        self.value = value
        self.tag = tag
        self.style = style
    }

    /// Whether the scalar is plain and untagged: the only kind a schema resolves from its text.
    public var isPlainUntagged: Bool { tag == nil && style == .plain }
}
