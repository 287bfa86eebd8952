public import ConfigFile

/// Says in plain words why a rule exported nothing, from what its last scrape did: the question users of
/// cloudwatch_exporter ask most, and could only answer from debug logs and `aws cloudwatch` by hand.
public enum NoDataExplainer {
    /// How long CloudWatch usually takes to publish a period of an AWS metric; a shorter `delay_seconds` often
    /// finds the newest periods empty.
    static let usualPublicationDelaySeconds = 120

    /// The sentences for `rule` with its status (`nil` before its first scrape); empty when it exported series and
    /// nothing failed.
    public static func sentences(rule: MetricRule, status: StatusBoard.RuleStatus?) -> [String] {
        var sentences = configSentences(rule)
        guard let status else {
            return sentences + ["no scrape has run this rule yet: the next request to /metrics runs it"]
        }
        let report = status.last
        if let failure = report.failure {
            sentences.append(failureSentence(failure))
        }
        guard report.exported == 0 else { return sentences }
        guard let found = report.discovery else {
            if report.failure == nil, report.deadlinePassed {
                sentences.append(
                    "the scrape deadline passed before ListMetrics answered for this rule: give the scrape more time "
                        + "(scrape_timeout in Prometheus), or cache ListMetrics (list_metrics_cache_ttl)"
                )
            }
            return sentences
        }
        // A ListMetrics cache hit carries only the kept count: the filters' counts are those of the call that
        // filled the cache.
        let discovery = found.source == .listMetricsCache ? (status.lastListMetrics ?? found) : found
        let dimensions = "[" + (rule.awsDimensions ?? []).joined(separator: ", ") + "]"
        if discovery.listed == 0 {
            let recent = rule.rangeSeconds < 10_800 ? " active in the last 3 hours" : ""
            sentences.append(
                "ListMetrics returned no metric \(rule.awsMetricName) in \(rule.awsNamespace) with the dimensions "
                    + "\(dimensions)\(recent): CloudWatch lists a metric only once it has been published"
            )
        } else if discovery.exactDimensions == 0 {
            sentences.append(
                "ListMetrics returned \(discovery.listed) metrics \(rule.awsMetricName), none with exactly the "
                    + "dimensions \(dimensions): a rule matches only metrics whose dimensions are exactly its "
                    + "aws_dimensions"
            )
        } else if discovery.afterSelect == 0 {
            sentences.append(
                "aws_dimension_select kept 0 of \(discovery.exactDimensions) dimension sets: none has a listed value"
            )
        } else if discovery.afterRegex == 0 {
            sentences.append(
                "aws_dimension_select_regex kept 0 of \(discovery.afterSelect) dimension sets: no value matches its "
                    + "patterns (they must match the whole value)"
            )
        } else if discovery.kept == 0 {
            let type = rule.tagSelect?.resourceTypeSelection ?? ""
            sentences.append(
                "aws_tag_select kept 0 of \(discovery.afterRegex) dimension sets: no resource of type \(type) has "
                    + "the selected tags"
            )
        } else if report.failure == nil {
            sentences.append(
                "no datapoint between \(UTCText.clock(report.window.start)) and \(UTCText.clock(report.window.end)) "
                    + "UTC in any of the \(discovery.kept) dimension sets: CloudWatch publishes "
                    + "\(rule.awsMetricName) only for periods with traffic or events"
            )
            if rule.delaySeconds < usualPublicationDelaySeconds, rule.awsNamespace.hasPrefix("AWS/") {
                sentences.append(
                    "delay_seconds \(rule.delaySeconds) is shorter than the \(usualPublicationDelaySeconds) s "
                        + "CloudWatch usually needs to publish a period of an AWS metric"
                )
            }
        }
        return sentences
    }

    private static func failureSentence(_ failure: RuleFailure) -> String {
        let when = UTCText.dateTime(failure.time)
        if failure.isAccessDenied {
            return "\(failure.code) for \(failure.iamAction) at \(when): add \(failure.iamAction) to the exporter's "
                + "IAM role (see deploy/iam-policy.json)"
        }
        let operation = failure.operation.isEmpty ? "an AWS call" : failure.operation
        return "\(operation) failed at \(when) with \(failure.code): \(failure.message)"
    }

    /// Config values that make empty results likely whatever AWS answers.
    private static func configSentences(_ rule: MetricRule) -> [String] {
        var sentences: [String] = []
        if rule.awsNamespace.hasPrefix("AWS/"), rule.periodSeconds < 60 {
            sentences.append(
                "period_seconds \(rule.periodSeconds) is shorter than the 60 s resolution of AWS metrics"
            )
        }
        if rule.rangeSeconds < rule.periodSeconds {
            sentences.append(
                "range_seconds \(rule.rangeSeconds) is shorter than period_seconds \(rule.periodSeconds): the window "
                    + "may hold no period start"
            )
        }
        return sentences
    }
}
