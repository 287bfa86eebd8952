/// What a ``ResourceWatch`` counts, for ``KubernetesAPIStatistics``.
enum ResourceWatchCount: Sendable {
    /// A request was answered with this status code, or got no answer (nil).
    case request(verb: String, code: Int?)
    /// A watch was opened again without a new list.
    case watchRestart
    /// A list that was not the first.
    case relist
    /// Objects or events skipped.
    case skipped(Int)
}
