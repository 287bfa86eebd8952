/// Runs `operation`, cancelling it and throwing `timeoutError` when it has not finished within `limit`.
///
/// The limit is real time on purpose: it guards against a server that stops answering, which an injected test
/// clock could not stand in for; tests never depend on it firing.
func withTimeLimit<Value: Sendable>(
    _ limit: Duration,
    timeoutError: any Error,
    _ operation: @escaping @Sendable () async throws -> Value
) async throws -> Value {
    try await withThrowingTaskGroup(of: Value?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else { throw timeoutError }
        return value
    }
}
