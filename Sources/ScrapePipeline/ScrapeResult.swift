public import AWSServices
public import ConfigFile
public import FoundationEssentials
public import ScrapeStatus

/// What one scrape gathered, as a value: each planned rule's result, each target's identity labels, and what was
/// missed. The family builder turns it into families; the status board reads its reports.
public struct ScrapeResult: Sendable {
    /// The wall-clock time of the scrape (the windows are computed from it).
    public var scrapeTime: Date
    /// Each planned rule's result, in plan order.
    public var rules: [RuleResult]
    /// Each target's `region` and `account_id` labels, as far as the plan labels them and they are known.
    public var targetLabels: [AWSTarget: [(name: String, value: String)]]
    /// Requests abandoned because the deadline passed (or, answered from the store, still out in the collection).
    public var missedRequests: Int
    /// Targets with a failed call in this scrape.
    public var failedTargets: Set<AWSTarget>
    /// Whether the result came from the datapoint store alone, without a collection of its own (a request that
    /// arrived while another's collection ran, and whose deadline came first).
    public var fromStoreOnly = false

    /// Whether anything failed or was missed.
    public var failed: Bool { missedRequests > 0 || !failedTargets.isEmpty || rules.contains { $0.failures > 0 } }
}

/// What one scrape gathered for one planned rule.
public struct RuleResult: Sendable {
    /// The dimension sets with data, in listing order.
    public var sets: [DimensionSetData] = []
    /// Names `sets` when the datapoint store answered every set: the same number means the same sets, so what is
    /// built from them (families, the status report) can be kept. `nil` when anything was fetched.
    public var setsVersion: UInt64?
    /// For `aws_tag_select` rules: the resources GetResources returned, each with its id from the ARN.
    public var taggedResources: [(mapping: ResourceTagMapping, id: String)] = []
    /// How the dimension sets were found; `nil` when discovery failed or did not finish.
    public var discovery: RuleDiscovery?
    /// The first failed call, and how many failed.
    public var failure: RuleFailure?
    public var failures = 0
    /// Dimension sets the datapoint store answered without a CloudWatch request.
    public var storeAnswered = 0
    /// Requests abandoned at the deadline.
    public var missedRequests = 0

    /// Creates an empty result.
    public init() {}

    /// Records a failed call (the first is kept for the status page).
    mutating func record(_ failure: RuleFailure?) {
        failures += 1
        if self.failure == nil { self.failure = failure }
    }
}
