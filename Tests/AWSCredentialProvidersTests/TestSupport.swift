import AWSCore
import AWSSigV4
import Foundation
import Logging
import Synchronization

@testable import AWSCredentialProviders

/// A clock the test moves by hand.
final class TestClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_768_478_400)) { current = Mutex(start) }

    var now: Date { current.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
    var function: @Sendable () -> Date { { [self] in self.now } }
}

/// An HTTP transport double: answers with `handler` and records every request.
final class RecordingTransport: HTTPTransport {
    typealias Handler = @Sendable (HTTPRequest) throws -> HTTPResponse
    private let handler: Handler
    private let log = Mutex<[HTTPRequest]>([])

    init(_ handler: @escaping Handler) { self.handler = handler }

    var requests: [HTTPRequest] { log.withLock { $0 } }

    func send(_ request: HTTPRequest, timeout: Duration) async throws -> HTTPResponse {
        log.withLock { $0.append(request) }
        return try handler(request)
    }

    /// A transport that fails every request, for chains that must not touch the network.
    static func unreachable() -> RecordingTransport {
        RecordingTransport { _ in throw HTTPTransportError(kind: .connection, message: "no network in this test") }
    }
}

/// An STS double: records the calls, resolving the signing provider so tests can see whose keys were used.
final class RecordingSTS: STSCredentialsFetcher {
    struct AssumeRoleCall: Sendable {
        var roleARN: String
        var sessionName: String
        var externalId: String?
        var durationSeconds: Int?
        var signingCredentials: AWSCredentials
        var region: String
    }
    struct WebIdentityCall: Sendable {
        var roleARN: String
        var sessionName: String
        var token: String
        var region: String
    }

    private let state = Mutex<(assumeRole: [AssumeRoleCall], webIdentity: [WebIdentityCall])>(([], []))
    let result: AWSCredentials

    init(
        result: AWSCredentials = AWSCredentials(
            accessKeyId: "ASIASTS",
            secretAccessKey: "stsSecret",
            sessionToken: "stsToken",
            expiration: Date(timeIntervalSince1970: 1_768_482_000)
        )
    ) {
        self.result = result
    }

    var assumeRoleCalls: [AssumeRoleCall] { state.withLock { $0.assumeRole } }
    var webIdentityCalls: [WebIdentityCall] { state.withLock { $0.webIdentity } }

    func assumeRole(
        roleARN: String,
        sessionName: String,
        externalId: String?,
        durationSeconds: Int?,
        using: any CredentialProvider,
        region: String,
        deadline: ContinuousClock.Instant?
    ) async throws -> AWSCredentials {
        let signing = try await using.credentials(deadline: deadline)
        state.withLock {
            $0.assumeRole.append(
                AssumeRoleCall(
                    roleARN: roleARN,
                    sessionName: sessionName,
                    externalId: externalId,
                    durationSeconds: durationSeconds,
                    signingCredentials: signing,
                    region: region
                )
            )
        }
        return result
    }

    func assumeRoleWithWebIdentity(
        roleARN: String,
        sessionName: String,
        webIdentityToken: String,
        region: String,
        deadline: ContinuousClock.Instant?
    ) async throws -> AWSCredentials {
        state.withLock {
            $0.webIdentity.append(
                WebIdentityCall(roleARN: roleARN, sessionName: sessionName, token: webIdentityToken, region: region)
            )
        }
        return result
    }
}

/// The test fixture folder.
enum Fixtures {
    static var root: URL {
        get throws {
            guard let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
                throw AWSError(
                    kind: .configuration,
                    service: "test",
                    operation: "fixtures",
                    code: "Missing",
                    message: ""
                )
            }
            return url
        }
    }

    static func path(_ relative: String) throws -> String {
        try root.appendingPathComponent(relative).path
    }
}

/// A temporary directory removed at the end of the test.
struct TemporaryDirectory: ~Copyable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("awscred-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ text: String) throws -> String {
        let file = url.appendingPathComponent(name)
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}

let testLogger = Logger(label: "AWSCredentialProvidersTests")

extension HTTPResponse {
    static func text(_ status: Int, _ body: String) -> HTTPResponse {
        HTTPResponse(status: status, body: Array(body.utf8))
    }
}

/// Collects log lines so tests can check what was (and was not) logged.
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
