/// What a ``ResourceWatch`` tells its owner about its progress, beside the records.
enum ResourceWatchReport: Sendable {
    /// A full list completed; the records were replaced.
    case listed
    /// A watch request was answered 200 and is streaming.
    case watching
    /// A list or watch failed (the description has no secrets); the loop backs off and retries.
    case failed(String)
    /// The list answered 404 for a resource that may be absent: not installed.
    case notInstalled
}
