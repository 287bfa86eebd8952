import AWSCore

/// A response that parsed as XML or JSON but lacks a required member.
struct DecodingFailure: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) { self.description = description }
}

extension DecodingFailure {
    /// The elements of a JSON list member: absent or `null` is an empty list (AWS omits empty lists), anything
    /// else that is not a list is a malformed answer, so `"Datapoints": "none"` cannot pass as "no data".
    static func list(_ value: JSONValue?, _ name: String) throws -> [JSONValue] {
        switch value {
        case nil, .null?: return []
        case .array(let elements)?: return elements
        default: throw DecodingFailure("\(name) is not a list")
        }
    }

    /// The members of a JSON object member: absent or `null` is empty, anything else that is not an object is
    /// malformed.
    static func object(_ value: JSONValue?, _ name: String) throws -> [String: JSONValue] {
        switch value {
        case nil, .null?: return [:]
        case .object(let members)?: return members
        default: throw DecodingFailure("\(name) is not an object")
        }
    }
}
