/// A rule of the config as it runs in one target (its `region` and `role_arn` set to the target's): the one key of a
/// planned rule, wherever something is kept per rule (the datapoint store, the ListMetrics cache, sample labels, the
/// status board, warnings).
///
/// Keyed by the rule's value, so a reload keeps what is kept for the rules it did not change. The hash is computed
/// once: a rule is a large value (names, filters, statistics, tag settings), and hashing it for every dimension set
/// of every scrape showed in profiles of 10,000-set scrapes.
public struct RuleID: Hashable, Sendable {
    /// The rule, with its target's region and role.
    public let rule: MetricRule
    private let hash: Int

    /// The key of `rule`.
    public init(_ rule: MetricRule) {
        self.rule = rule
        self.hash = rule.hashValue
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(hash) }

    public static func == (lhs: RuleID, rhs: RuleID) -> Bool { lhs.hash == rhs.hash && lhs.rule == rhs.rule }
}
