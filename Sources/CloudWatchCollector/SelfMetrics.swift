public import AWSCore
public import Exposition
import Foundation
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

    /// Adds `amount` to the child of `counter` with `labels` (in ``SelfCounter/labelNames`` order).
    public func increment(_ counter: SelfCounter, _ labels: [String], by amount: Double = 1) {
        let created = now().timeIntervalSince1970
        children.withLock { state in
            state[counter, default: [:]][labels, default: Child(value: 0, createdSeconds: created)].value += amount
        }
    }

    /// The current value of one child, or 0.
    public func value(_ counter: SelfCounter, _ labels: [String]) -> Double {
        children.withLock { $0[counter]?[labels]?.value ?? 0 }
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
        increment(.awsAPIRequests, [service, action])
    }

    public func awsCallRetried(service: String, action: String, reason: String) {
        increment(.awsAPIRetries, [service, action, reason])
    }

    public func awsCallFailed(service: String, action: String, code: String) {
        increment(.awsAPIErrors, [service, action, code])
    }
}
