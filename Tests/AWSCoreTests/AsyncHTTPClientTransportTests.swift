import AWSCore
import Testing

@Suite struct AsyncHTTPClientTransportTests {
    @Test func refusedConnectionsAreConnectionErrors() async throws {
        let transport = AsyncHTTPClientTransport(connectTimeout: .seconds(2))
        let outcome: Result<HTTPResponse, any Error>
        do {
            outcome = .success(
                try await transport.send(HTTPRequest(method: "POST", url: "http://127.0.0.1:1/"), timeout: .seconds(2))
            )
        } catch {
            outcome = .failure(error)
        }
        try await transport.shutdown()
        guard case .failure(let error) = outcome else {
            Issue.record("a request to a closed port succeeded")
            return
        }
        #expect((error as? HTTPTransportError)?.kind == .connection)
    }
}
