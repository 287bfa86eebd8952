import FoundationEssentials

/// A position in the document for messages: `metrics[2].aws_statistics[0]`, `tag_labels.tags["team/name"]`.
struct KeyPath {
    private(set) var text: String

    static let root = KeyPath(text: "(root)")

    private init(text: String) {
        self.text = text
    }

    /// The path of a top-level key.
    static func top(_ key: String) -> KeyPath {
        KeyPath(text: isIdentifier(key) ? key : "[\(quoted(key))]")
    }

    /// The path of `key` inside this mapping.
    func key(_ key: String) -> KeyPath {
        if text == KeyPath.root.text { return .top(key) }
        return KeyPath(text: text + (Self.isIdentifier(key) ? ".\(key)" : "[\(Self.quoted(key))]"))
    }

    /// The path of element `index` of this list.
    func index(_ index: Int) -> KeyPath {
        KeyPath(text: text + "[\(index)]")
    }

    private static func isIdentifier(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first, first == "_" || isLetter(first) else { return false }
        return key.unicodeScalars.allSatisfy { $0 == "_" || isLetter($0) || ("0"..."9").contains($0) }
    }

    private static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }

    private static func quoted(_ key: String) -> String {
        "\"" + key.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
    }
}
