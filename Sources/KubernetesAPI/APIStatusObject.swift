/// The fields of a `Status` object (an error answer, or the object of a watch `ERROR` event) that say what happened.
struct APIStatusObject: Decodable, Sendable {
    var code: Int?
    var reason: String?
    var message: String?

    private enum CodingKeys: String, CodingKey {
        case code
        case reason
        case message
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        // `try?`: a code too large for Int, or of the wrong type, is no code rather than a failed decode.
        code = try? container.decodeIfPresent(Int.self, forKey: .code)
        reason = try? container.decodeIfPresent(String.self, forKey: .reason)
        message = try? container.decodeIfPresent(String.self, forKey: .message)
    }

    /// `reason: message`, or whichever of them there is.
    var summary: String? {
        let parts = [reason, message].compactMap { $0 }.filter { !$0.isEmpty }
        return parts.isEmpty ? nil : parts.joined(separator: ": ")
    }
}
