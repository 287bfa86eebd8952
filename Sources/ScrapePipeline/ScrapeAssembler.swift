import AWSCore
import AWSServices
import ConfigFile
import FoundationEssentials
import ScrapeStatus
import Synchronization
import Telemetry

/// Puts a scrape's result together from its rules' results and its targets' account ids, and says what each rule did
/// for the status board.
struct ScrapeAssembler: Sendable {
    let plan: ScrapePlan
    let services: [TargetServices]
    let metrics: SelfMetrics
    /// Stamps failures (the wall clock).
    let now: @Sendable () -> Date
    /// Each rule's exported series and load balancers as last counted for the status report.
    private let counted = ReportCounts()

    /// The scrape's result from its rules' results and the targets' account ids: each target's `region` and
    /// `account_id` labels, and, where the plan labels accounts and one is not known, that target's rules fail
    /// (their series need the label; the datapoints they fetched stay in the store for the next scrape).
    func result(
        rules: [RuleResult],
        accounts: [AWSTarget: Result<String, any Error>],
        at scrapeTime: Date,
        reportUnknownAccounts: Bool = true
    ) -> ScrapeResult {
        var rules = rules
        var targetLabels: [AWSTarget: [(name: String, value: String)]] = [:]
        var unknownAccounts: [AWSTarget: any Error] = [:]
        for service in services {
            var labels: [(name: String, value: String)] = []
            if plan.labelsRegion { labels.append(("region", service.region)) }
            if plan.labelsAccount {
                switch accounts[service.target] {
                case .success(let account): labels.append(("account_id", account))
                case .failure(let error): unknownAccounts[service.target] = error
                case nil: unknownAccounts[service.target] = CancellationError()
                }
            }
            targetLabels[service.target] = labels
        }
        var failedTargets: Set<AWSTarget> = []
        var missed = 0
        for (index, planned) in plan.rules.enumerated() {
            if let error = unknownAccounts[planned.target] {
                rules[index].sets = []
                rules[index].setsVersion = nil
                if reportUnknownAccounts { recordUnknownAccount(error, rule: planned, in: &rules[index]) }
            }
            missed += rules[index].missedRequests
            if rules[index].failures > 0 || rules[index].missedRequests > 0 { failedTargets.insert(planned.target) }
        }
        return ScrapeResult(
            scrapeTime: scrapeTime,
            rules: rules,
            targetLabels: targetLabels,
            missedRequests: missed,
            failedTargets: failedTargets
        )
    }

    private func recordUnknownAccount(_ error: any Error, rule planned: PlannedRule, in result: inout RuleResult) {
        let rule = planned.rule
        let cause =
            (error as? AWSError)?.isAbandoned == false
            ? "\(error)" : "STS GetCallerIdentity had not answered by the time the rule's data was in"
        let failure = AWSError(
            kind: .deadlineExceeded,
            service: "sts",
            operation: "GetCallerIdentity",
            code: (error as? AWSError)?.code ?? "Timeout",
            message: "the account id (the account_id label of every series of this rule) is not known: \(cause); "
                + "the rule's series are left out of this scrape"
        )
        result.record(RuleFailure(failure, time: now()))
        metrics.ruleError(namespace: rule.awsNamespace, metricName: rule.awsMetricName, code: failure.code)
    }

    /// What a collection did per rule, for the status board.
    func reports(_ result: ScrapeResult) -> [RuleReport] {
        zip(plan.rules, result.rules).map { planned, state in
            let rule = planned.rule
            let (series, loadBalancers) = counted.counts(planned, state)
            return RuleReport(
                id: planned.id,
                scrapeTime: result.scrapeTime,
                window: ScrapeWindow(
                    now: result.scrapeTime,
                    delaySeconds: rule.delaySeconds,
                    rangeSeconds: rule.rangeSeconds
                ),
                discovery: state.discovery,
                exported: state.sets.count,
                exportedSeries: series,
                storeAnswered: state.storeAnswered,
                failure: state.failure,
                failures: state.failures,
                deadlinePassed: result.missedRequests > 0,
                exportedLoadBalancers: loadBalancers
            )
        }
    }
}

/// Each rule's exported series and load balancers, counted for the status report, kept with the sets version they
/// were counted for: a scrape the datapoint store answers whole exports the same sets again, and counting them anew
/// walks every set of the fleet.
final class ReportCounts: Sendable {
    private let kept = Mutex<[RuleID: (version: UInt64, series: Int, loadBalancers: [String])]>([:])

    /// The series `state` exports for `planned` and its load balancers, counted once per sets version.
    func counts(_ planned: PlannedRule, _ state: RuleResult) -> (series: Int, loadBalancers: [String]) {
        if let version = state.setsVersion, let known = kept.withLock({ $0[planned.id] }), known.version == version {
            return (known.series, known.loadBalancers)
        }
        var series = 0
        var loadBalancers: [String] = []
        for data in state.sets {
            for statistic in planned.statistics where data[statistic] != nil { series += 1 }
            if let name = data.dimensions.first(where: {
                $0.name == "LoadBalancerName" || $0.name == "LoadBalancer"
            }) {
                loadBalancers.append(name.value)
            }
        }
        kept.withLock { kept in
            if let version = state.setsVersion {
                kept[planned.id] = (version, series, loadBalancers)
            } else {
                kept[planned.id] = nil
            }
        }
        return (series, loadBalancers)
    }
}
