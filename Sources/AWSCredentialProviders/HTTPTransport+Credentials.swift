import AWSCore

extension HTTPTransport {
    /// Sends `request`, turning transport failures into credentials errors that name the provider.
    func sendForCredentials(
        _ request: HTTPRequest,
        timeout: Duration,
        service: String,
        provider: String,
        what: String
    ) async throws -> HTTPResponse {
        do {
            return try await send(request, timeout: timeout)
        } catch let error as CancellationError {
            throw error
        } catch let error as HTTPTransportError {
            throw AWSError.credentials(
                service: service,
                provider: provider,
                code: error.kind == .timeout ? "Timeout" : "ConnectionError",
                "\(what) failed: \(error.message)"
            )
        } catch {
            throw AWSError.credentials(
                service: service,
                provider: provider,
                code: "ConnectionError",
                "\(what) failed: \(error)"
            )
        }
    }
}
