import AWSCore
import AWSServices
import AWSSigV4
import Foundation
import Logging
import Synchronization

/// A transport that answers from a list of responses and records the requests.
final class ScriptedTransport: HTTPTransport {
    private let state: Mutex<(responses: [HTTPResponse], requests: [HTTPRequest])>

    init(_ responses: [HTTPResponse]) {
        state = Mutex((responses, []))
    }

    var requests: [HTTPRequest] { state.withLock { $0.requests } }

    func send(_ request: HTTPRequest, timeout: Duration) async throws -> HTTPResponse {
        state.withLock { state in
            state.requests.append(request)
            return state.responses.isEmpty
                ? state.responses.last ?? HTTPResponse(status: 200) : state.responses.removeFirst()
        }
    }
}

enum Harness {
    static func caller(_ service: AWSServiceDescriptor, _ transport: ScriptedTransport) -> AWSServiceCaller {
        AWSServiceCaller(
            service: service,
            region: "us-east-1",
            endpoint: AWSEndpoint(
                scheme: "http",
                host: "127.0.0.1",
                port: 5077,
                signingRegion: "us-east-1",
                signingName: service.signingName
            ),
            credentials: StaticCredentialProvider(
                AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret")
            ),
            transport: transport,
            retry: RetryPolicy(maxAttempts: 1),
            logger: Logger(label: "test")
        )
    }

    static func cloudWatch(_ transport: ScriptedTransport, _ wire: AWSWireProtocol) -> CloudWatchClient {
        CloudWatchClient(caller: caller(.cloudWatch, transport), wireProtocol: wire)
    }

    /// The form pairs of a Query body as a dictionary (names are unique in these APIs).
    static func form(_ body: String) -> [String: String] {
        Dictionary(FormEncoding.decode(body).map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
    }

    static func form(_ request: HTTPRequest?) -> [String: String] {
        form(String(decoding: request?.body ?? [], as: UTF8.self))
    }

    /// Why a body could not be compared as a JSON object.
    struct NotAJSONObject: Error, CustomStringConvertible {
        let text: String
        var description: String { "not a JSON object: \(text.isEmpty ? "(empty body)" : String(text.prefix(300)))" }
    }

    /// The body parsed as a JSON object. Throws for anything else (unparsable text, an empty body, an array), so
    /// two broken bodies can never compare equal.
    static func jsonObject(_ text: String) throws -> NSDictionary {
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(text.utf8))
        } catch {
            throw NotAJSONObject(text: text)
        }
        guard let object = parsed as? NSDictionary else { throw NotAJSONObject(text: text) }
        return object
    }

    /// The request's body parsed as a JSON object; throws when no request was sent or its body is not one.
    static func jsonObject(_ request: HTTPRequest?) throws -> NSDictionary {
        guard let request else { throw NotAJSONObject(text: "(no request was sent)") }
        return try jsonObject(String(decoding: request.body, as: UTF8.self))
    }

    static func date(_ text: String) -> Date {
        AWSTimestamp.parseISO8601(text) ?? .distantPast
    }
}
