/// A response that parsed as XML or JSON but lacks a required member.
struct DecodingFailure: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) { self.description = description }
}
