/// One page of a list answer: `metadata.resourceVersion`, `metadata.continue` and the items.
struct ObjectList<Object: Decodable & Sendable>: Decodable, Sendable {
    struct ListMetadata: Decodable, Sendable {
        var resourceVersion: String?
        var `continue`: String?

        private enum CodingKeys: String, CodingKey {
            case resourceVersion
            case `continue`
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            resourceVersion = try? container.decodeIfPresent(String.self, forKey: .resourceVersion)
            `continue` = try? container.decodeIfPresent(String.self, forKey: .continue)
        }
    }

    var metadata: ListMetadata?
    /// `null` and a missing `items` both mean an empty page.
    var items: [Lossy<Object>]?
}
