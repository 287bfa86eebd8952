/// One element of a parsed XML document: its local name (namespace prefix dropped), its child elements, and its
/// text content. Attributes are not kept; no AWS response here needs them.
public struct AWSXMLElement: Sendable, Equatable {
    /// The local name, e.g. `member`.
    public var name: String
    /// The child elements in document order.
    public var children: [AWSXMLElement]
    /// The concatenated character data directly inside this element (entities and CDATA resolved).
    public var text: String

    /// Creates an element.
    public init(name: String, children: [AWSXMLElement] = [], text: String = "") {
        self.name = name
        self.children = children
        self.text = text
    }

    /// The first child called `name`, or nil.
    public func child(_ name: String) -> AWSXMLElement? {
        children.first { $0.name == name }
    }

    /// The text of the first child called `name`, or nil when there is no such child.
    public func string(_ name: String) -> String? {
        child(name)?.text
    }

    /// The text of the first child called `name` parsed as a Double, or nil.
    public func double(_ name: String) -> Double? {
        string(name).flatMap { Double($0.trimmingASCIIWhitespace()) }
    }

    /// The `<member>` children of the list element `name`; empty when the list is absent or empty.
    public func members(_ name: String) -> [AWSXMLElement] {
        child(name)?.children.filter { $0.name == "member" } ?? []
    }

    /// The element at the path of child names, e.g. `["Error", "Code"]`, or nil.
    public func path(_ names: [String]) -> AWSXMLElement? {
        var current = self
        for name in names {
            guard let next = current.child(name) else { return nil }
            current = next
        }
        return current
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs, carriage returns and newlines.
    func trimmingASCIIWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" || $0 == "\r\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
