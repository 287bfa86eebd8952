import AWSCore

extension HTTPTransport {
    /// Sends `request`, turning transport failures into credentials errors that name the provider; waits at most
    /// `timeout`, and never past `deadline`.
    func sendForCredentials(
        _ request: HTTPRequest,
        timeout: Duration,
        deadline: ContinuousClock.Instant?,
        service: String,
        provider: String,
        what: String
    ) async throws -> HTTPResponse {
        var timeout = timeout
        if let deadline {
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else {
                throw AWSError.deadlineExceeded(service: service, operation: provider, "\(what): the deadline passed")
            }
            timeout = min(timeout, remaining)
        }
        do {
            return try await send(request, timeout: timeout)
        } catch let error as CancellationError {
            throw error
        } catch let error as HTTPTransportError {
            if error.kind == .timeout, let deadline, ContinuousClock.now >= deadline {
                throw AWSError.deadlineExceeded(
                    service: service,
                    operation: provider,
                    "\(what) did not answer before the deadline"
                )
            }
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
