import AWSClient
import AWSCore
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

    static func jsonObject(_ text: String) -> NSDictionary? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? NSDictionary
    }

    static func jsonObject(_ request: HTTPRequest?) -> NSDictionary? {
        jsonObject(String(decoding: request?.body ?? [], as: UTF8.self))
    }

    static func date(_ text: String) -> Date {
        AWSTimestamp.parseISO8601(text) ?? .distantPast
    }
}
