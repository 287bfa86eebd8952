import FoundationEssentials

/// How well one resource (Services or TargetGroupBindings) follows the API server.
public struct KubernetesSyncStatus: Sendable, Equatable {
    /// The resource's state.
    public enum State: String, Sendable {
        /// Not watched (TargetGroupBindings turned off).
        case disabled
        /// Not listed yet, and no failure yet.
        case starting
        /// Listed, and the watch is following changes.
        case synced
        /// The last list or watch failed; the mapping from before is kept.
        case failing
        /// The list answered 404: the resource type (a CRD) is not installed; looked for again now and then.
        case notInstalled = "not_installed"
    }

    /// The current state.
    public var state: State
    /// Since when the resource has been synced without a failure; nil unless ``state`` is `synced`.
    public var syncedSince: Date?
    /// When the last full list completed.
    public var lastListAt: Date?
    /// Since when lists or watches have been failing; nil unless ``state`` is `failing`.
    public var failingSince: Date?
    /// The last failure, without secrets (kept after recovery, with ``lastErrorAt``, for the status page).
    public var lastError: String?
    /// When ``lastError`` happened.
    public var lastErrorAt: Date?
    /// Since when the resource type has been found not installed; nil unless ``state`` is `notInstalled`.
    public var notInstalledSince: Date?
    /// Objects kept for this resource.
    public var objectCount: Int

    /// Creates a status.
    /// - Parameter state: The initial state; the other fields start empty.
    public init(state: State) {
        self.state = state
        self.objectCount = 0
    }
}
