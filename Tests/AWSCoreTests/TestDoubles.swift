import AWSCore
import AWSSigV4
import Foundation
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
