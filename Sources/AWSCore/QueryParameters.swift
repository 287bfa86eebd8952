import AWSSigV4
import FoundationEssentials

/// The parameters of an awsQuery request, in the order they are added, flattened to `Name.member.N.Field=value`
/// pairs as the Query protocol wants them.
///
/// `Action` and `Version` are added by ``formBody(action:version:)``, not by callers.
public struct QueryParameters: Sendable, Equatable {
    /// The flattened key/value pairs.
    public private(set) var pairs: [QueryPair]

    /// Creates an empty parameter list.
    public init() { self.pairs = [] }

    /// Sets a string member.
    public mutating func set(_ name: String, _ value: String) {
        pairs.append(QueryPair(name: name, value: value))
    }

    /// Sets an integer member.
    public mutating func set(_ name: String, _ value: Int) {
        pairs.append(QueryPair(name: name, value: String(value)))
    }

    /// Sets a boolean member as `true` / `false`.
    public mutating func set(_ name: String, _ value: Bool) {
        pairs.append(QueryPair(name: name, value: value ? "true" : "false"))
    }

    /// Sets a timestamp member as ISO 8601 UTC (`2026-01-15T11:00:00Z`, fractions only when present).
    public mutating func set(_ name: String, _ value: Date) {
        pairs.append(QueryPair(name: name, value: AWSTimestamp.iso8601(value)))
    }

    /// Sets a string member only when `value` is not nil.
    public mutating func setIfPresent(_ name: String, _ value: String?) {
        if let value { set(name, value) }
    }

    /// Sets a list of strings as `Name.member.1`, `Name.member.2`, ...; an empty list is sent as `Name=`.
    public mutating func setList(_ name: String, _ values: [String]) {
        if values.isEmpty {
            set(name, "")
            return
        }
        for (index, value) in values.enumerated() {
            set("\(name).member.\(index + 1)", value)
        }
    }

    /// Sets a list of structures; `encode` receives the prefix `Name.member.N` of each element.
    /// An empty list is sent as `Name=`.
    public mutating func setList<Element>(
        _ name: String,
        _ elements: [Element],
        encode: (String, Element, inout QueryParameters) -> Void
    ) {
        if elements.isEmpty {
            set(name, "")
            return
        }
        for (index, element) in elements.enumerated() {
            encode("\(name).member.\(index + 1)", element, &self)
        }
    }

    /// Sets a map as `Name.entry.N.key` / `Name.entry.N.value`, entries sorted by key so the body is stable.
    public mutating func setMap(_ name: String, _ map: [String: String]) {
        for (index, key) in map.keys.sorted().enumerated() {
            set("\(name).entry.\(index + 1).key", key)
            set("\(name).entry.\(index + 1).value", map[key] ?? "")
        }
    }

    /// The `application/x-www-form-urlencoded` body: `Action=..&Version=..` followed by the parameters.
    public func formBody(action: String, version: String) -> String {
        var all = [QueryPair(name: "Action", value: action), QueryPair(name: "Version", value: version)]
        all.append(contentsOf: pairs)
        return all.map { FormEncoding.encode($0.name) + "=" + FormEncoding.encode($0.value) }.joined(separator: "&")
    }
}

/// One flattened Query parameter.
public struct QueryPair: Sendable, Hashable {
    /// The dotted name, e.g. `Dimensions.member.1.Name`.
    public var name: String
    /// The value, not yet encoded.
    public var value: String

    /// Creates a pair.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// Percent-encoding for form bodies.
public enum FormEncoding {
    /// Percent-encodes every byte outside the RFC 3986 unreserved set; a space becomes `%20`, which every form
    /// decoder accepts (the signature covers the body bytes, so any correct encoding works).
    public static func encode(_ text: String) -> String {
        URIEncoding.encode(text)
    }

    /// Decodes a form body into its pairs (`+` is a space), for tests and tools.
    public static func decode(_ body: String) -> [QueryPair] {
        body.split(separator: "&", omittingEmptySubsequences: true).map { part in
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = unescape(String(pieces[0]))
            let value = pieces.count > 1 ? unescape(String(pieces[1])) : ""
            return QueryPair(name: name, value: value)
        }
    }

    private static func unescape(_ text: String) -> String {
        // `+` is a space in form bodies; everything else is ordinary percent-decoding.
        String(decoding: URIEncoding.decode(Array(text.replacing("+", with: " ").utf8)), as: UTF8.self)
    }
}
