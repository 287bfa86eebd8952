public import ConfigFile
import Synchronization

/// The last scrape's report of every rule, and its last failure and ListMetrics counts across scrapes: what the
/// status page reads. Kept per planned rule (``RuleID``), so a reload keeps the status of the rules it did not
/// change.
public final class StatusBoard: Sendable {
    /// What the board knows about one rule.
    public struct RuleStatus: Sendable {
        /// The last scrape's report.
        public var last: RuleReport
        /// The last failure, in this or an earlier scrape.
        public var lastFailure: RuleFailure?
        /// The counts of the last ListMetrics call (a scrape served by the ListMetrics cache keeps them).
        public var lastListMetrics: RuleDiscovery?

        /// Creates a status.
        public init(last: RuleReport, lastFailure: RuleFailure? = nil, lastListMetrics: RuleDiscovery? = nil) {
            self.last = last
            self.lastFailure = lastFailure
            self.lastListMetrics = lastListMetrics
        }
    }

    private let rules = Mutex<[RuleID: RuleStatus]>([:])

    /// Creates an empty board.
    public init() {}

    /// Records one scrape's reports.
    public func record(_ reports: [RuleReport]) {
        rules.withLock { rules in
            for report in reports {
                let previous = rules[report.id]
                var status = RuleStatus(
                    last: report,
                    lastFailure: report.failure ?? previous?.lastFailure,
                    lastListMetrics: previous?.lastListMetrics
                )
                if report.discovery?.source == .listMetrics { status.lastListMetrics = report.discovery }
                rules[report.id] = status
            }
        }
    }

    /// Drops the rules a reload removed or changed.
    public func retain(rules kept: Set<RuleID>) {
        rules.withLock { rules in rules = rules.filter { kept.contains($0.key) } }
    }

    /// The status of `rule`, or `nil` before its first scrape.
    public func status(of rule: RuleID) -> RuleStatus? {
        rules.withLock { $0[rule] }
    }
}
