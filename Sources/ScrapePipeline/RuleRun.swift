import ConfigFile

/// One planned rule's run in one scrape: the rule, its target's services and concurrency bound, and its slot in
/// the scrape's ``ScrapeAccumulator``.
struct RuleRun: Sendable {
    /// The rule's position in the plan, which is its slot in the accumulator.
    let slot: Int
    let planned: ScrapePlan.Rule
    let services: TargetServices
    /// The target's bound, whose slots also take one of the scrape's global bound.
    let limiter: AsyncLimiter

    var rule: MetricRule { planned.rule }
    var apis: AWSAPIs { services.apis }
}
