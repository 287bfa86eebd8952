/// How a ``ResourceWatch`` pages, times out, backs off and bounds what it reads.
struct ResourceWatchSettings: Sendable {
    var pageSize: Int
    var watchTimeoutSeconds: ClosedRange<Int>
    var requestTimeout: Duration
    var backoff: KubernetesBackoff
    var notInstalledRetryInterval: Duration
    var maximumMessageBytes: Int
    /// 10,000 pages of 500 is five million objects: past any cluster, short of forever.
    var maximumPages = 10_000
    /// How often one list may start over after its continue token expired.
    var maximumListRestarts = 3
}
