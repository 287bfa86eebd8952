import AWSServices
import ConfigFile
import FoundationEssentials

/// The answer to a request whose deadline came while another request's collection was still running: what the
/// datapoint store holds in each rule's window now (including what that collection fetched so far), no AWS call,
/// with the requests the collection still waits for counted as missed.
struct StoredAnswer {
    let plan: ScrapePlan
    let store: DatapointStore
    /// The ListMetrics cache, when on: the listing order of a rule's sets.
    let listMetricsCache: ListMetricsCache?
    let assembler: ScrapeAssembler

    /// - Parameter requestsOut: The requests the collection in flight has out now.
    func result(at scrapeTime: Date, requestsOut: Int) -> ScrapeResult {
        let rules = plan.rules.map { planned -> RuleResult in
            var result = RuleResult()
            let round = StoreRound(store: store, planned: planned, scrapeTime: scrapeTime)
            // The sets in listing order where it is known without a call; else the store's own order.
            let listed =
                planned.matcher.permutations()
                ?? listMetricsCache?.lookup(planned.listMetricsCacheID, resourceIds: [], now: scrapeTime)
            result.sets = listed.map { round.lastKnown(of: $0) } ?? round.lastKnown()
            return result
        }
        let accounts = Dictionary(
            assembler.services.compactMap { service in
                service.account.known.map { (service.target, Result<String, any Error>.success($0)) }
            },
            uniquingKeysWith: { first, _ in first }
        )
        var result = assembler.result(rules: rules, accounts: accounts, at: scrapeTime, reportUnknownAccounts: false)
        result.missedRequests = max(1, requestsOut)
        result.fromStoreOnly = true
        return result
    }
}
