/// A value that failed to decode becomes nil instead of failing its whole list: one odd object in a list of
/// thousands is skipped and counted, not a reason to drop the whole list.
struct Lossy<Value: Decodable & Sendable>: Decodable, Sendable {
    var value: Value?

    init(from decoder: any Decoder) throws {
        value = try? Value(from: decoder)
    }
}
