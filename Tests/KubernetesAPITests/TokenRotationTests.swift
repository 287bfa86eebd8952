import Foundation
import Testing

@testable import KubernetesAPI

/// The bearer token file: re-read at least every minute, and at once when the server rejects the token.
@Suite struct TokenRotationTests {
    @Test func theFileIsReadAgainAfterAMinute() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("token", "first\n")
        let timing = TestTiming()
        let source = BearerTokenSource(.file(path: path), now: timing.timing.now)
        #expect(try source.current() == "first")

        try directory.write("token", "second")
        timing.advance(59)
        #expect(try source.current() == "first")  // cached: files are not read on every request
        timing.advance(2)
        #expect(try source.current() == "second")

        // A file that went missing keeps the token that was read last (the next read may find it again).
        try FileManager.default.removeItem(atPath: path)
        timing.advance(61)
        #expect(try source.current() == "second")
        #expect(source.reloadAfterRejection() == false)

        try directory.write("token", "third")
        #expect(source.reloadAfterRejection() == true)
        #expect(try source.current() == "third")
        #expect(source.reloadAfterRejection() == false)  // unchanged: retrying would not help
    }

    @Test func aStaticTokenWithControlCharactersIsRefused() {
        let source = BearerTokenSource(.value("abc\r\nX-Injected: 1"), now: { Date() })
        #expect(throws: KubernetesAccessError.self) { try source.current() }
    }

    @Test func aTokenRotatedOnDiskIsPickedUpWhenTheServerRejectsTheOldOne() async throws {
        let directory = try TemporaryDirectory()
        let tokenPath = try directory.write("token", "token-one")
        let server = try await FakeKubernetesAPIServer.start(acceptedTokens: ["token-one"])
        ListAndWatchTests.seed(server)
        let running = try RunningDirectory.start(server: server, token: .file(path: tokenPath)) {
            $0.watchesTargetGroupBindings = false
        }
        try await running.directory.waitUntil("Services synced") { $0.serviceStatus.state == .synced }
        try await server.waitForOpenWatches(FakeKubernetesAPIServer.services)

        // The kubelet rotates the token; the server soon accepts only the new one. The test clock does not move,
        // so only the 401 can make the client read the file again.
        try directory.write("token", "token-two\n")
        server.setAcceptedTokens(["token-two"])
        server.endWatches()

        let requests = try await server.waitUntil("a watch with the new token") { requests in
            requests.contains { $0.isWatch && $0.authorization == "Bearer token-two" && $0.status == 200 }
        }
        let watches = requests.filter(\.isWatch)
        #expect(watches.map(\.status) == [200, 401, 200])
        #expect(watches.map(\.authorization) == ["Bearer token-one", "Bearer token-one", "Bearer token-two"])
        let snapshot = running.directory.snapshot
        #expect(snapshot.serviceStatus.state == .synced)
        #expect(snapshot.serviceStatus.lastError == nil)
        #expect(running.directory.statistics.requests[.init(verb: "watch", resource: "services", code: "401")] == 1)
        try await running.stop()
    }

    @Test func aRejectedStaticTokenIsReportedWithoutTheToken() async throws {
        let server = try await FakeKubernetesAPIServer.start(acceptedTokens: ["right"])
        let running = try RunningDirectory.start(server: server, token: .value("wrong-secret")) {
            $0.watchesTargetGroupBindings = false
        }
        let snapshot = try await running.directory.waitUntil("failing") { $0.serviceStatus.state == .failing }
        let error = try #require(snapshot.serviceStatus.lastError)
        #expect(error.contains("HTTP 401"))
        #expect(!error.contains("wrong-secret"))
        try await running.stop()
    }
}
