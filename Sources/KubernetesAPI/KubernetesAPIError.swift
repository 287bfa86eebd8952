/// Why a list or a watch failed; its description is what the status page shows as the last error.
///
/// Descriptions carry the verb, the resource, the status code and the server's own message (shortened), never a
/// token: the server's messages do not echo credentials, and transport errors name addresses, not headers.
enum KubernetesAPIError: Error, Sendable, CustomStringConvertible {
    /// The server answered with a status the operation cannot go on from.
    case status(verb: String, resource: String, code: Int, message: String?)
    /// A watch delivered an `ERROR` event other than 410 Gone.
    case watchError(resource: String, code: Int?, message: String?)
    /// A list page or a watch line was longer than the limit.
    case tooLarge(verb: String, resource: String, limit: Int)
    /// The answer was not the JSON the API defines.
    case malformed(verb: String, resource: String, detail: String)
    /// A list went on for more pages than any real cluster has.
    case tooManyPages(resource: String, limit: Int)
    /// The connection failed, timed out, or TLS did not verify.
    case transport(verb: String, resource: String, detail: String)
    /// The request took longer than its time limit.
    case timeout(verb: String, resource: String)
    /// No token could be read for the request.
    case credentials(String)

    var description: String {
        switch self {
        case .status(let verb, let resource, let code, let message):
            "\(verb) \(resource): HTTP \(code)\(Self.hint(code))\(Self.suffix(message))"
        case .watchError(let resource, let code, let message):
            "watch \(resource): ERROR event\(code.map { " with code \($0)" } ?? "")\(Self.suffix(message))"
        case .tooLarge(let verb, let resource, let limit):
            "\(verb) \(resource): \(verb == "watch" ? "a watch line" : "a list page") is larger than \(limit) bytes"
        case .malformed(let verb, let resource, let detail):
            "\(verb) \(resource): malformed answer: \(Self.shortened(detail))"
        case .tooManyPages(let resource, let limit):
            "list \(resource): more than \(limit) pages"
        case .transport(let verb, let resource, let detail):
            "\(verb) \(resource): \(Self.shortened(detail))"
        case .timeout(let verb, let resource):
            "\(verb) \(resource): timed out"
        case .credentials(let message):
            Self.shortened(message)
        }
    }

    private static func hint(_ code: Int) -> String {
        switch code {
        case 401: " (Unauthorized: the token was rejected)"
        case 403: " (Forbidden: RBAC must allow list and watch on this resource)"
        case 404: " (Not Found)"
        case 429: " (Too Many Requests)"
        default: ""
        }
    }

    private static func suffix(_ message: String?) -> String {
        guard let message, !message.isEmpty else { return "" }
        return ": " + shortened(message)
    }

    /// At most 300 characters, control characters replaced, so that a hostile answer cannot flood logs or pages.
    static func shortened(_ text: String) -> String {
        let limit = 300
        var result = ""
        for scalar in text.unicodeScalars.prefix(limit) {
            result.unicodeScalars.append(scalar.value < 0x20 || scalar.value == 0x7F ? " " : scalar)
        }
        return text.unicodeScalars.count > limit ? result + "…" : result
    }
}
