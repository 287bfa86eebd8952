import ConfigFile

/// A planned rule as a dictionary key whose hash is computed once, when the plan is compiled: a rule is a large value
/// (names, filters, statistics, tag settings), and hashing it for every dimension set of every scrape showed in
/// profiles of 10,000-set scrapes.
struct RuleKey: Hashable, Sendable {
    let rule: MetricRule
    private let hash: Int

    init(_ rule: MetricRule) {
        self.rule = rule
        self.hash = rule.hashValue
    }

    func hash(into hasher: inout Hasher) { hasher.combine(hash) }

    static func == (lhs: RuleKey, rhs: RuleKey) -> Bool { lhs.hash == rhs.hash && lhs.rule == rhs.rule }
}
