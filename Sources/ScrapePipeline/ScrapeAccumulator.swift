import AWSServices
import ConfigFile
import Foundation
import Synchronization

/// Collects results as they arrive during one scrape, so a scrape cut short by its deadline still returns
/// everything that completed.
final class ScrapeAccumulator: Sendable {
    struct RuleState {
        /// Each dimension set's data by its index in the rule's listing; `nil` for a set without data (so the sets
        /// come out in listing order without a sort).
        private(set) var sets: [DimensionSetData?] = []
        var mappings: [ResourceTagMapping] = []
        var resourceIds: [String] = []
        /// How the dimension sets were found; `nil` when discovery failed.
        var discovery: RuleDiscovery?
        /// The first failed call of the rule in this scrape, and how many failed.
        var failure: RuleFailure?
        var failures = 0
        /// Dimension sets the datapoint store answered without a CloudWatch request.
        var storeAnswered = 0

        /// The sets with data, in listing order.
        var exported: [DimensionSetData] { sets.compactMap { $0 } }

        mutating func put(_ data: DimensionSetData, at index: Int, replacing: Bool) {
            guard index >= 0 else { return }
            if index >= sets.count { sets.append(contentsOf: repeatElement(nil, count: index + 1 - sets.count)) }
            if replacing || sets[index] == nil { sets[index] = data }
        }
    }

    /// Everything the scrape gathered.
    struct Snapshot {
        var rules: [RuleState]
        var failed = false
        var missedRequests = 0
        /// Each target's `region` and `account_id` labels (empty with one region and account).
        var targetLabels: [AWSTarget: [(name: String, value: String)]] = [:]
        /// Targets with a failed call in this scrape.
        var failedTargets: Set<AWSTarget> = []
    }

    private let state: Mutex<Snapshot>

    init(ruleCount: Int) {
        state = Mutex(Snapshot(rules: Array(repeating: RuleState(), count: ruleCount)))
    }

    func setTargetLabels(_ target: AWSTarget, _ labels: [(name: String, value: String)]) {
        state.withLock { $0.targetLabels[target] = labels }
    }

    func store(rule: Int, set: Int, data: DimensionSetData) {
        state.withLock { $0.rules[rule].put(data, at: set, replacing: true) }
    }

    /// Stores the data of many sets under one lock (a rule's store answers, a GetMetricData request's sets).
    func store(rule: Int, sets: [(index: Int, data: DimensionSetData)]) {
        guard !sets.isEmpty else { return }
        state.withLock { state in
            for (index, data) in sets { state.rules[rule].put(data, at: index, replacing: true) }
        }
    }

    /// Stores `data` for a dimension set that has none yet (a fallback never replaces data fetched in this scrape).
    func storeIfAbsent(rule: Int, set: Int, data: DimensionSetData) {
        state.withLock { $0.rules[rule].put(data, at: set, replacing: false) }
    }

    func storeTaggedResources(rule: Int, mappings: [ResourceTagMapping], resourceIds: [String]) {
        state.withLock {
            $0.rules[rule].mappings = mappings
            $0.rules[rule].resourceIds = resourceIds
        }
    }

    func recordDiscovery(rule: Int, _ discovery: RuleDiscovery) {
        state.withLock { $0.rules[rule].discovery = discovery }
    }

    func recordFailure(rule: Int, _ failure: RuleFailure) {
        state.withLock { state in
            if state.rules[rule].failure == nil { state.rules[rule].failure = failure }
            state.rules[rule].failures += 1
        }
    }

    func countStoreAnswers(rule: Int, sets: Int) {
        state.withLock { $0.rules[rule].storeAnswered += sets }
    }

    func markFailed(target: AWSTarget, missedRequest: Bool) {
        state.withLock {
            $0.failed = true
            $0.failedTargets.insert(target)
            if missedRequest { $0.missedRequests += 1 }
        }
    }

    var snapshot: Snapshot { state.withLock { $0 } }
}
