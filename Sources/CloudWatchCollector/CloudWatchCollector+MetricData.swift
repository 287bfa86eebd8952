import AWSClient
import AWSCore
import ExporterConfig
import Foundation

extension CloudWatchCollector {
    /// The most queries GetMetricData accepts in one request.
    static let maximumQueriesPerRequest = 500

    /// GetMetricData: one query per (dimension set, statistic), 500 per request, requests run concurrently, every
    /// NextToken page followed; each query keeps its newest value (ScanBy=TimestampDescending).
    func fetchMetricData(
        _ index: Int,
        sets: [[MetricDimension]],
        window: ScrapeWindow,
        into accumulator: ScrapeAccumulator,
        limiter: AsyncLimiter,
        deadline: ContinuousClock.Instant?
    ) async {
        let rule = matchers[index].rule
        let statistics = (rule.statistics ?? []) + (rule.extendedStatistics ?? [])
        var queries: [(query: MetricDataQuery, set: Int, statistic: String)] = []
        for (setIndex, dimensions) in sets.enumerated() {
            let dimensionKey = dimensions.map { "\($0.name)=\($0.value)" }.sorted().joined(separator: ",")
            for statistic in statistics {
                let query = MetricDataQuery(
                    id: "q\(queries.count)",
                    metric: CloudWatchMetric(
                        namespace: rule.awsNamespace,
                        metricName: rule.awsMetricName,
                        dimensions: dimensions
                    ),
                    period: rule.periodSeconds,
                    stat: statistic,
                    label: "\(statistic)/\(dimensionKey)"
                )
                queries.append((query, setIndex, statistic))
            }
        }
        let chunks = stride(from: 0, to: queries.count, by: Self.maximumQueriesPerRequest).map {
            Array(queries[$0..<min($0 + Self.maximumQueriesPerRequest, queries.count)])
        }
        await withTaskGroup(of: Void.self) { group in
            for chunk in chunks {
                group.addTask {
                    do {
                        let results = try await self.metricDataPages(
                            chunk.map(\.query),
                            rule: rule,
                            window: window,
                            limiter: limiter,
                            deadline: deadline
                        )
                        self.metrics.increment(
                            .metricsRequested,
                            [rule.awsMetricName, rule.awsNamespace],
                            by: Double(chunk.count)
                        )
                        for (offset, entry) in chunk.enumerated() {
                            guard let result = results[entry.query.id], let value = result.values.first,
                                let timestamp = result.timestamps.first
                            else { continue }
                            accumulator.merge(
                                rule: index,
                                set: entry.set,
                                dimensions: entry.query.metric.dimensions,
                                statistic: entry.statistic,
                                value: value,
                                timestamp: timestamp,
                                query: Int(entry.query.id.dropFirst()) ?? offset
                            )
                        }
                        // Queries AWS could not answer fail the rule partly; the answered ones above are kept.
                        let failed = results.values.filter {
                            $0.statusCode == "Forbidden" || $0.statusCode == "InternalError"
                        }
                        if let first = failed.first {
                            self.recordFailure(
                                AWSError(
                                    kind: .service,
                                    service: "cloudwatch",
                                    operation: "GetMetricData",
                                    code: "StatusCode\(first.statusCode)",
                                    message: "\(failed.count) queries answered \(first.statusCode): "
                                        + first.messages.joined(separator: "; ")
                                ),
                                rule: rule,
                                accumulator: accumulator
                            )
                        }
                    } catch {
                        self.recordFailure(error, rule: rule, accumulator: accumulator)
                        let failedSets = Dictionary(chunk.map { ($0.set, $0.query.metric.dimensions) }) { first, _ in
                            first
                        }
                        self.fallBack(
                            rule: index,
                            sets: failedSets.map { (index: $0.key, dimensions: $0.value) },
                            window: window,
                            into: accumulator
                        )
                    }
                }
            }
        }
    }

    /// All pages of one GetMetricData request, with each query's timestamps and values concatenated across pages.
    private func metricDataPages(
        _ queries: [MetricDataQuery],
        rule: MetricRule,
        window: ScrapeWindow,
        limiter: AsyncLimiter,
        deadline: ContinuousClock.Instant?
    ) async throws -> [String: MetricDataResult] {
        var results: [String: MetricDataResult] = [:]
        let ending = try await Paginator().forEachPage { token in
            let input = GetMetricDataInput(
                queries: queries,
                startTime: window.start,
                endTime: window.end,
                nextToken: token
            )
            let output = try await limiter.withSlot {
                try await apis.cloudWatch.getMetricData(input, deadline: deadline)
            }
            metrics.increment(.cloudWatchRequests, ["getMetricData", rule.awsNamespace])
            return (output, output.nextToken)
        } consume: { output in
            for result in output.results {
                if var existing = results[result.id] {
                    existing.timestamps += result.timestamps
                    existing.values += result.values
                    existing.statusCode = result.statusCode
                    results[result.id] = existing
                } else {
                    results[result.id] = result
                }
            }
        }
        warnIfIncomplete(ending, operation: "GetMetricData", rule: rule)
        return results
    }
}
