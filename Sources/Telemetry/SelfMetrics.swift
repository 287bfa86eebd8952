public import AWSCore
public import Exposition
import FoundationEssentials
import Synchronization

/// The exporter's own counters, shared by every scrape and kept across reloads, as cloudwatch_exporter keeps its
/// static counters.
///
/// Also the ``AWSCallObserver`` of the AWS client, so every attempt, retry and final failure is counted.
public final class SelfMetrics: AWSCallObserver, Sendable {
    private struct Child {
        var value: Double
        var createdSeconds: Double
    }

    private let children: Mutex<[SelfCounter: [[String]: Child]]>
    private let history = Mutex(AWSUsageHistory())
    private let now: @Sendable () -> Date
    private let emitCreated: Bool

    /// Creates empty counters.
    /// - Parameters:
    ///   - environment: The process environment; `PROMETHEUS_DISABLE_CREATED_SERIES=true|1|t` turns off the
    ///     `_created` series, as in the Java client library.
    ///   - now: The clock that stamps `_created`.
    public init(environment: [String: String] = [:], now: @escaping @Sendable () -> Date = Date.init) {
        self.children = Mutex([:])
        self.now = now
        let disable = environment["PROMETHEUS_DISABLE_CREATED_SERIES"]?.lowercased()
        self.emitCreated = !["true", "1", "t"].contains(disable ?? "")
    }

    // MARK: One method per counter, labels by name

    /// `cloudwatch_requests_total{action,namespace}`: one CloudWatch request (a page counts as one).
    public func cloudWatchRequest(_ action: CloudWatchAction, namespace: String) {
        increment(.cloudWatchRequests, [action.rawValue, namespace])
    }

    /// `cloudwatch_metrics_requested_total{metric_name,namespace}`: metrics asked for (one per GetMetricStatistics
    /// request, one per GetMetricData query).
    public func metricsRequested(metricName: String, namespace: String, count: Int = 1) {
        increment(.metricsRequested, [metricName, namespace], by: Double(count))
    }

    /// `tagging_api_requests_total{action,resource_type}`: one GetResources page.
    public func taggingRequest(resourceType: String) {
        increment(.taggingRequests, ["getResources", resourceType])
    }

    /// `cloudwatch_exporter_rule_errors_total{namespace,metric_name,code}`: a rule (or part of one) failed.
    public func ruleError(namespace: String, metricName: String, code: String) {
        increment(.ruleErrors, [namespace, metricName, code])
    }

    /// `cloudwatch_exporter_load_balancer_tags_refresh_errors_total{service}`: a failed tag refresh.
    public func tagRefreshError(service: String) {
        increment(.tagRefreshErrors, [service])
    }

    /// The datapoint store answered `sets` dimension sets of a rule without a request; a fresh fetch would have made
    /// `savedRequests` requests with `action` and asked for `savedMetrics` metrics.
    public func storeAnswered(
        namespace: String,
        metricName: String,
        sets: Int,
        action: CloudWatchAction,
        savedRequests: Int,
        savedMetrics: Int
    ) {
        increment(.storeHits, [namespace, metricName], by: Double(sets))
        if savedRequests > 0 {
            increment(.storeSavedRequests, [action.rawValue, namespace], by: Double(savedRequests))
        }
        increment(.storeSavedMetrics, [metricName, namespace], by: Double(savedMetrics))
    }

    /// `sets` dimension sets of a rule were fetched because the datapoint store did not cover the window.
    public func storeMissed(namespace: String, metricName: String, sets: Int) {
        increment(.storeMisses, [namespace, metricName], by: Double(sets))
    }

    /// The current value of one child, or 0; `labels` by name, in any order.
    public func value(_ counter: SelfCounter, labels: [String: String]) -> Double {
        let values = counter.labelNames.map { labels[$0] ?? "" }
        return children.withLock { $0[counter]?[values]?.value ?? 0 }
    }

    /// Adds `amount` to the child of `counter` with `labels` (in ``SelfCounter/labelNames`` order).
    private func increment(_ counter: SelfCounter, _ labels: [String], by amount: Double = 1) {
        increment(counter, labels, by: amount, at: now())
    }

    /// ``increment(_:_:by:)`` at `date`, for callers that stamp the usage history with the same reading of the clock.
    private func increment(_ counter: SelfCounter, _ labels: [String], by amount: Double = 1, at date: Date) {
        let created = date.timeIntervalSince1970
        children.withLock { state in
            state[counter, default: [:]][labels, default: Child(value: 0, createdSeconds: created)].value += amount
        }
        if Self.isBilled(counter, labels) {
            let units = amount.isFinite && amount >= 0 && amount < 1e15 ? Int(amount) : 0
            history.withLock { $0.billed(units, at: date) }
        }
    }

    /// Whether a counter counts what CloudWatch bills: ListMetrics requests and metrics requested (one per
    /// GetMetricStatistics request, one per GetMetricData query).
    private static func isBilled(_ counter: SelfCounter, _ labels: [String]) -> Bool {
        switch counter {
        case .metricsRequested: true
        case .cloudWatchRequests: labels.first == CloudWatchAction.listMetrics.rawValue
        default: false
        }
    }

    /// The AWS calls, billed units, errors and retries since start and over the last hour.
    public func usage() -> AWSUsage {
        let date = now()
        let snapshot = children.withLock { $0 }
        func counts(_ counter: SelfCounter) -> [AWSUsage.Count] {
            (snapshot[counter] ?? [:]).compactMap { labels, child in
                guard labels.count >= 2 else { return nil }
                let count = child.value.isFinite && child.value >= 0 && child.value < 1e15 ? Int(child.value) : 0
                return AWSUsage.Count(
                    service: labels[0],
                    action: labels[1],
                    detail: labels.count > 2 ? labels[2] : "",
                    count: count
                )
            }
            .sorted { ($0.service, $0.action, $0.detail) < ($1.service, $1.action, $1.detail) }
        }
        var usage = AWSUsage()
        usage.sinceStart.calls = counts(.awsAPIRequests)
        usage.sinceStart.errors = counts(.awsAPIErrors)
        usage.sinceStart.retries = counts(.awsAPIRetries)
        var billed = 0.0
        for counter in [SelfCounter.metricsRequested, .cloudWatchRequests] {
            for (labels, child) in snapshot[counter] ?? [:] where Self.isBilled(counter, labels) {
                billed += child.value
            }
        }
        usage.sinceStart.billedUnits = billed.isFinite && billed >= 0 && billed < 1e15 ? Int(billed) : 0
        let hour = history.withLock { $0.lastHour(at: date) }
        usage.lastHour = hour.totals
        usage.callsPerMinute = hour.callsPerMinute
        return usage
    }

    /// All counter families, every family present even with no children, children sorted by label values.
    public func families() -> [MetricFamily] {
        let snapshot = children.withLock { $0 }
        return SelfCounter.allCases.map { counter in
            let sorted = (snapshot[counter] ?? [:]).sorted { $0.key.lexicographicallyPrecedes($1.key) }
            var samples: [Sample] = []
            for (labelValues, child) in sorted {
                let labels = Array(zip(counter.labelNames, labelValues)).map { (name: $0.0, value: $0.1) }
                samples.append(Sample(name: counter.familyName + "_total", labels: labels, value: child.value))
                if emitCreated {
                    samples.append(
                        Sample(name: counter.familyName + "_created", labels: labels, value: child.createdSeconds)
                    )
                }
            }
            return MetricFamily(name: counter.familyName, help: counter.help, type: .counter, samples: samples)
        }
    }

    public func awsCallAttempted(service: String, action: String) {
        let date = now()
        increment(.awsAPIRequests, [service, action], at: date)
        history.withLock { $0.call(service: service, action: action, at: date) }
    }

    public func awsCallRetried(service: String, action: String, reason: String) {
        let date = now()
        increment(.awsAPIRetries, [service, action, reason], at: date)
        history.withLock { $0.retry(service: service, action: action, reason: reason, at: date) }
    }

    public func awsCallFailed(service: String, action: String, code: String) {
        let date = now()
        increment(.awsAPIErrors, [service, action, code], at: date)
        history.withLock { $0.error(service: service, action: action, code: code, at: date) }
    }
}

/// A CloudWatch action as `cloudwatch_requests_total` names it (upstream's lower camel case).
public enum CloudWatchAction: String, Sendable {
    case listMetrics, getMetricStatistics, getMetricData
}
