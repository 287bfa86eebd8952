public import AWSCore

/// The Resource Groups Tagging API: GetResources (one page per call), JSON 1.1.
public struct TaggingClient: Sendable {
    let caller: AWSServiceCaller

    /// Creates a client from a caller for ``AWSServiceDescriptor/tagging``.
    public init(caller: AWSServiceCaller) {
        self.caller = caller
    }

    /// Fetches one page of tagged resources.
    /// - Returns: The page; its `paginationToken` is nil on the last page (AWS sends `""`, moto `null`).
    /// - Throws: ``AWSError``.
    public func getResources(_ input: GetResourcesInput, deadline: ContinuousClock.Instant?) async throws
        -> GetResourcesOutput
    {
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
