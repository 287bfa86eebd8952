/// One line of a watch stream: `{"type": ..., "object": {...}}`.
///
/// The object is decoded according to the type: the resource's partial object for `ADDED`, `MODIFIED` and `DELETED`,
/// only the resourceVersion for `BOOKMARK`, a `Status` for `ERROR`. An object that does not decode is nil (the
/// event is skipped and counted); a line that is not such an envelope at all fails to decode.
struct WatchEventLine<Object: Decodable & Sendable>: Decodable, Sendable {
    enum Event: Sendable {
        case added(Object?)
        case modified(Object?)
        case deleted(Object?)
        case bookmark(resourceVersion: String?)
        case error(APIStatusObject?)
        case unknown(type: String)
    }

    private struct BookmarkObject: Decodable, Sendable {
        struct Metadata: Decodable, Sendable {
            var resourceVersion: String?
        }
        var metadata: Metadata?
    }

    private enum CodingKeys: String, CodingKey {
        case type
        case object
    }

    var event: Event

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        func object<Value: Decodable & Sendable>(_: Value.Type) -> Value? {
            (try? container.decodeIfPresent(Lossy<Value>.self, forKey: .object))?.value
        }
        switch type {
        case "ADDED": event = .added(object(Object.self))
        case "MODIFIED": event = .modified(object(Object.self))
        case "DELETED": event = .deleted(object(Object.self))
        case "BOOKMARK": event = .bookmark(resourceVersion: object(BookmarkObject.self)?.metadata?.resourceVersion)
        case "ERROR": event = .error(object(APIStatusObject.self))
        default: event = .unknown(type: String(type.prefix(64)))
        }
    }
}
