import AWSCore
import AWSSigV4
import Foundation
import Logging
import Synchronization

/// A transport that answers from a script and records what it was sent.
final class ScriptedTransport: HTTPTransport {
    enum Step {
        case respond(HTTPResponse)
        case fail(any Error)
    }

    private let state: Mutex<(steps: [Step], requests: [HTTPRequest], timeouts: [Duration])>

    init(_ steps: [Step]) {
        state = Mutex((steps, [], []))
    }

    var requests: [HTTPRequest] { state.withLock { $0.requests } }
    var timeouts: [Duration] { state.withLock { $0.timeouts } }

    func send(_ request: HTTPRequest, timeout: Duration) async throws -> HTTPResponse {
        let step = state.withLock { state -> Step in
            state.requests.append(request)
            state.timeouts.append(timeout)
            return state.steps.isEmpty ? .respond(HTTPResponse(status: 200)) : state.steps.removeFirst()
        }
        switch step {
        case .respond(let response): return response
        case .fail(let error): throw error
        }
    }
}

/// Records every observer event as a string.
final class RecordingObserver: AWSCallObserver {
    private let events = Mutex<[String]>([])

    var recorded: [String] { events.withLock { $0 } }

    func awsCallAttempted(service: String, action: String) {
        events.withLock { $0.append("attempt \(service) \(action)") }
    }

    func awsCallRetried(service: String, action: String, reason: String) {
        events.withLock { $0.append("retry \(service) \(action) \(reason)") }
    }

    func awsCallFailed(service: String, action: String, code: String) {
        events.withLock { $0.append("failed \(service) \(action) \(code)") }
    }
}

/// Records requested sleeps instead of sleeping.
final class SleepRecorder: Sendable {
    private let sleeps = Mutex<[Duration]>([])

    var recorded: [Duration] { sleeps.withLock { $0 } }

    func sleep(_ duration: Duration) {
        sleeps.withLock { $0.append(duration) }
    }
}

let testCredentials = AWSCredentials(
    accessKeyId: "AKIDEXAMPLE",
    secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
)

func xmlResponse(_ body: String, status: Int = 200) -> HTTPResponse {
    HTTPResponse(
        status: status,
        headers: [("Content-Type", "text/xml"), ("x-amzn-RequestId", "req-1")],
        body: Array(body.utf8)
    )
}

let throttlingBody = """
    <ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>t1</RequestId></ErrorResponse>
    """

/// Credentials whose secret and session token must never appear in anything but the signed request.
enum SecretMaterial {
    static let sessionToken = "IQoJb3JpZ2luX2VjSESSIONTOKENEXAMPLE/+=="
    static let credentials = AWSCredentials(
        accessKeyId: "ASIAEXAMPLESECRETTEST",
        secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYSECRETKEY",
        sessionToken: sessionToken
    )

    /// Answers ``credentials`` once, then fails: a refresh that breaks after a signed attempt.
    final class FirstCallOnly: CredentialProvider {
        struct RefreshFailed: Error {}
        private let calls = Mutex(0)

        func credentials(deadline: ContinuousClock.Instant?) async throws -> AWSCredentials {
            let call = calls.withLock { calls in
                calls += 1
                return calls
            }
            guard call == 1 else { throw RefreshFailed() }
            return SecretMaterial.credentials
        }
    }
}

/// Collects log lines (level, message, merged metadata) at trace level.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    var messages: [String] { lines.withLock { $0 } }

    var logger: Logger {
        Logger(label: "capture") { _ in Handler(capture: self) }
    }

    struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            let text = "\(event.level) \(event.message) \(merged.sorted { $0.key < $1.key })"
            capture.lines.withLock { $0.append(text) }
        }
    }
}
