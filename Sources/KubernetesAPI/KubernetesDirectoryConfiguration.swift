/// What the directory reads and how it talks to the API server.
public struct KubernetesDirectoryConfiguration: Sendable {
    /// The API server and credentials.
    public var access: KubernetesAccess
    /// Service label keys whose values are kept (like kube-state-metrics' `--metric-labels-allowlist`); empty keeps
    /// none. Keys are matched exactly, as Kubernetes writes them (`app.kubernetes.io/name`).
    public var serviceLabelAllowlist: Set<String>
    /// Whether TargetGroupBindings are watched; when false their status says `disabled`.
    public var watchesTargetGroupBindings: Bool
    /// Objects per list page (`limit`), clamped to `1...10000`; default 500, as client-go's reflector.
    public var pageSize: Int
    /// The range `timeoutSeconds` of each watch is drawn from, so that watches of many exporters do not reconnect
    /// together; default 300...600 (client-go: 5 to 10 minutes). Clamped to `1...3600`.
    public var watchTimeoutSeconds: ClosedRange<Int>
    /// The time limit of a list page request, and of connecting and getting a watch's response head.
    public var requestTimeout: Duration
    /// Reconnection after failures.
    public var backoff: KubernetesBackoff
    /// How often a resource type that is not installed (404 on its list) is looked for again.
    public var notInstalledRetryInterval: Duration
    /// The largest list page and the longest watch line accepted; larger is an error, never a crash. Default 16 MiB.
    public var maximumMessageBytes: Int

    /// Creates a configuration with the defaults.
    /// - Parameters:
    ///   - access: The API server and credentials.
    ///   - serviceLabelAllowlist: Label keys to keep per Service.
    ///   - watchesTargetGroupBindings: Whether to watch TargetGroupBindings.
    public init(
        access: KubernetesAccess,
        serviceLabelAllowlist: Set<String> = [],
        watchesTargetGroupBindings: Bool = true
    ) {
        self.access = access
        self.serviceLabelAllowlist = serviceLabelAllowlist
        self.watchesTargetGroupBindings = watchesTargetGroupBindings
        self.pageSize = 500
        self.watchTimeoutSeconds = 300...600
        self.requestTimeout = .seconds(30)
        self.backoff = KubernetesBackoff()
        self.notInstalledRetryInterval = .seconds(600)
        self.maximumMessageBytes = 16 * 1024 * 1024
    }
}
