public import AWSCore

/// The Resource Groups Tagging API: GetResources (one page per call), JSON 1.1.
public struct TaggingClient: Sendable {
    private enum Backend {
        case caller(AWSServiceCaller)
        case unavailable(AWSError)
    }

    private let backend: Backend

    /// Creates a client from a caller for ``AWSServiceDescriptor/tagging``.
    public init(caller: AWSServiceCaller) {
        self.backend = .caller(caller)
    }

    /// A client whose every call fails with `error` (the endpoint could not be resolved, e.g. FIPS in a
    /// partition without a FIPS tagging endpoint).
    init(unavailable error: AWSError) {
        self.backend = .unavailable(error)
    }

    /// Fetches one page of tagged resources.
    /// - Returns: The page; its `paginationToken` is nil on the last page (AWS sends `""`, moto `null`).
    /// - Throws: ``AWSError``.
    public func getResources(_ input: GetResourcesInput, deadline: ContinuousClock.Instant?) async throws
        -> GetResourcesOutput
    {
        let caller: AWSServiceCaller
        switch backend {
        case .caller(let ready): caller = ready
        case .unavailable(let error): throw error
        }
        let answer = try await caller.json(
            target: "GetResources",
            body: TaggingJSONCoding.getResources(input),
            deadline: deadline
        )
        do {
            return try TaggingJSONCoding.getResourcesOutput(answer)
        } catch {
            throw AWSError(
                kind: .malformedResponse,
                service: "tagging",
                operation: "GetResources",
                code: "MalformedResponse",
                message: "\(error)"
            )
        }
    }
}
