public import ConfigFile
public import FoundationEssentials

/// What one scrape did for one rule: the window it asked for, how its dimension sets were found and filtered,
/// what it exported, and what failed.
public struct RuleReport: Sendable {
    /// The planned rule.
    public var id: RuleID
    /// The rule, with its target's region and role.
    public var rule: MetricRule { id.rule }
    /// The scrape's wall-clock time.
    public var scrapeTime: Date
    /// The window the scrape exported from.
    public var window: ScrapeWindow
    /// How the dimension sets were found; `nil` when discovery failed or did not finish.
    public var discovery: RuleDiscovery?
    /// Dimension sets exported (with a datapoint in the window).
    public var exported: Int
    /// Series exported: one per exported dimension set and statistic with a value.
    public var exportedSeries: Int
    /// Dimension sets the datapoint store answered without a CloudWatch request.
    public var storeAnswered: Int
    /// The first failed call in this scrape.
    public var failure: RuleFailure?
    /// Failed calls in this scrape.
    public var failures: Int
    /// Whether the scrape's deadline passed with requests still out.
    public var deadlinePassed: Bool
    /// The load balancer dimension values (`LoadBalancerName`, `LoadBalancer`) of the exported sets, as listed
    /// (one per set: a load balancer with several sets, per zone say, repeats).
    public var exportedLoadBalancerValues: [String]
    /// The load balancer dimension values of the exported sets, each once. Computed when asked (the status page),
    /// not on every scrape.
    public var exportedLoadBalancers: Set<String> { Set(exportedLoadBalancerValues) }

    /// Creates a report.
    public init(
        id: RuleID,
        scrapeTime: Date,
        window: ScrapeWindow,
        discovery: RuleDiscovery?,
        exported: Int,
        exportedSeries: Int = 0,
        storeAnswered: Int = 0,
        failure: RuleFailure? = nil,
        failures: Int = 0,
        deadlinePassed: Bool = false,
        exportedLoadBalancers: [String] = []
    ) {
        self.id = id
        self.scrapeTime = scrapeTime
        self.window = window
        self.discovery = discovery
        self.exported = exported
        self.exportedSeries = exportedSeries
        self.storeAnswered = storeAnswered
        self.failure = failure
        self.failures = failures
        self.deadlinePassed = deadlinePassed
        self.exportedLoadBalancerValues = exportedLoadBalancers
    }
}
