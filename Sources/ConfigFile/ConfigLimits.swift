/// The accepted range of every numeric config key, one table for the validator and the docs.
///
/// Every bound keeps later arithmetic (milliseconds, `Duration`, window sums) far from overflow, so a file that
/// `check-config` accepts also starts and scrapes. `docs/configuration.md` lists the same ranges.
public struct ConfigLimit: Sendable, Equatable {
    /// The key as written in the file (`tag_labels.cache_ttl_seconds` for the nested one).
    public let key: String
    /// The smallest accepted value.
    public let minimum: Double
    /// Whether `minimum` itself is refused (timeouts must be more than zero).
    public let minimumIsExclusive: Bool
    /// The largest accepted value.
    public let maximum: Double
    /// Why the bound is where it is, said in the error.
    public let reason: String

    /// Whether `value` is accepted.
    public func accepts(_ value: Double) -> Bool {
        (minimumIsExclusive ? value > minimum : value >= minimum) && value <= maximum
    }

    /// The error message for a refused `value`.
    func message(for value: Double) -> String { message(got: Self.text(value)) }

    /// The error message for a refused integer, written exactly (a `Double` would round `9223372036854775807`).
    func message(for value: Int) -> String { message(got: String(value)) }

    private func message(got value: String) -> String {
        let lower = minimumIsExclusive ? "more than \(Self.text(minimum))" : "at least \(Self.text(minimum))"
        return "must be \(lower) and at most \(Self.text(maximum)), got \(value): \(reason)"
    }

    static func text(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), value.magnitude < 1e15 { return String(Int64(value)) }
        return JavaLikeNumber.text(value)
    }
}

extension ConfigLimit {
    /// CloudWatch keeps datapoints for 15 months: a window reaching further back can never return data.
    static let retentionSeconds = 455.0 * 86_400

    /// Every numeric key.
    public static let all: [ConfigLimit] = [
        ConfigLimit(
            key: "period_seconds",
            minimum: 1,
            minimumIsExclusive: false,
            maximum: retentionSeconds,
            reason: "CloudWatch keeps datapoints for 455 days"
        ),
        ConfigLimit(
            key: "range_seconds",
            minimum: 0,
            minimumIsExclusive: false,
            maximum: retentionSeconds,
            reason: "CloudWatch keeps datapoints for 455 days"
        ),
        ConfigLimit(
            key: "delay_seconds",
            minimum: 0,
            minimumIsExclusive: false,
            maximum: retentionSeconds,
            reason: "CloudWatch keeps datapoints for 455 days"
        ),
        ConfigLimit(
            key: "settle_seconds",
            minimum: 0,
            minimumIsExclusive: false,
            maximum: retentionSeconds,
            reason: "CloudWatch keeps datapoints for 455 days"
        ),
        ConfigLimit(
            key: "list_metrics_cache_ttl",
            minimum: 0,
            minimumIsExclusive: false,
            maximum: 2_147_483_647,
            reason: "cloudwatch_exporter reads it as a 32-bit int"
        ),
        ConfigLimit(
            key: "tag_labels.cache_ttl_seconds",
            minimum: 10,
            minimumIsExclusive: false,
            maximum: 31_536_000,
            reason: "tags are refreshed at most every 10 seconds and at least once a year"
        ),
        ConfigLimit(
            key: "max_concurrent_requests",
            minimum: 1,
            minimumIsExclusive: false,
            maximum: 1_000,
            reason: "CloudWatch throttles long before that"
        ),
        ConfigLimit(
            key: "max_concurrent_requests_per_region",
            minimum: 1,
            minimumIsExclusive: false,
            maximum: 1_000,
            reason: "CloudWatch throttles long before that"
        ),
        ConfigLimit(
            key: "aws_max_attempts",
            minimum: 1,
            minimumIsExclusive: false,
            maximum: 20,
            reason: "more attempts only multiply calls in a throttling storm"
        ),
        ConfigLimit(
            key: "aws_retry_base_delay_seconds",
            minimum: 0,
            minimumIsExclusive: false,
            maximum: 60,
            reason: "a backoff longer than a scrape is never waited for"
        ),
        ConfigLimit(
            key: "aws_retry_max_delay_seconds",
            minimum: 0,
            minimumIsExclusive: false,
            maximum: 300,
            reason: "a backoff longer than a scrape is never waited for"
        ),
        ConfigLimit(
            key: "aws_connect_timeout_seconds",
            minimum: 0,
            minimumIsExclusive: true,
            maximum: 300,
            reason: "a connection needs some time, and five minutes is already far past any scrape"
        ),
        ConfigLimit(
            key: "aws_request_timeout_seconds",
            minimum: 0,
            minimumIsExclusive: true,
            maximum: 600,
            reason: "an attempt needs some time, and ten minutes is already far past any scrape"
        ),
        ConfigLimit(
            key: "scrape_timeout_margin_seconds",
            minimum: 0,
            minimumIsExclusive: false,
            maximum: 60,
            reason: "the margin is subtracted from Prometheus' scrape timeout"
        ),
    ]

    /// The limit of `key`.
    static func of(_ key: String) -> ConfigLimit? { all.first { $0.key == key } }
}
