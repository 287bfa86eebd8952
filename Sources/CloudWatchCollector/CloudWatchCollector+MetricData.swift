import AWSClient
import AWSCore
import ExporterConfig
import Foundation

extension CloudWatchCollector {
    /// The most queries GetMetricData accepts in one request.
    static let maximumQueriesPerRequest = 500

    /// GetMetricData: one query per (dimension set, statistic) for the sets the datapoint store cannot answer, 500
    /// queries per request, requests run concurrently, every NextToken page followed; each statistic exports its
    /// newest value in the window, and every set fetched is stored with all its datapoints.
    func fetchMetricData(
        _ run: RuleRun,
        sets: [[MetricDimension]],
        window: ScrapeWindow,
        at scrapeTime: Date,
        into accumulator: ScrapeAccumulator,
        deadline: ContinuousClock.Instant?
    ) async {
        let rule = run.rule
        let statistics = run.planned.statistics
        guard !statistics.isEmpty else { return }
        let range = DatapointStore.fetchRange(rule, window: window, now: scrapeTime)
        var queries: [(query: MetricDataQuery, set: Int, statistic: String)] = []
        var answered = 0
        for (setIndex, dimensions) in sets.enumerated() {
            if let answer = store.answer(
                rule: run.planned.key,
                dimensions: dimensions,
                window: window,
                statistics: statistics
            ) {
                answered += 1
                if let answer { accumulator.store(rule: run.slot, set: setIndex, data: answer) }
                continue
            }
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
        if answered > 0 {
            // A fresh fetch would have sent every set's queries, in ⌈queries / 500⌉ requests.
            let freshRequests =
                (sets.count * statistics.count + Self.maximumQueriesPerRequest - 1) / Self.maximumQueriesPerRequest
            recordStoreHits(
                rule,
                sets: answered,
                requests: max(0, freshRequests - chunks.count),
                metrics: answered * statistics.count
            )
            accumulator.countStoreAnswers(rule: run.slot, sets: answered)
        }
        guard !chunks.isEmpty else { return }
        var results: [String: MetricDataResult] = [:]
        // A failed request leaves its queries without results: their sets count as incomplete below.
        await withTaskGroup(of: [String: MetricDataResult]?.self) { group in
            for chunk in chunks {
                let chunkQueries = chunk.map(\.query)
                group.addTask {
                    do {
                        let answer = try await self.metricDataPages(
                            chunkQueries,
                            run: run,
                            range: range,
                            deadline: deadline
                        )
                        self.metrics.increment(
                            .metricsRequested,
                            [rule.awsMetricName, rule.awsNamespace],
                            by: Double(chunkQueries.count)
                        )
                        return answer
                    } catch {
                        self.recordFailure(error, run: run, accumulator: accumulator)
                        return nil
                    }
                }
            }
            for await answer in group {
                results.merge(answer ?? [:]) { first, _ in first }
            }
        }
        storeMetricData(
            queries,
            results: results,
            run: run,
            window: window,
            range: range,
            into: accumulator
        )
    }

    /// Turns GetMetricData results into datapoints per dimension set: stores each set whose queries were all answered,
    /// exports each set's newest values in the window, falls back to the store for sets whose request failed, and
    /// counts queries AWS could not answer (the answered ones are kept).
    private func storeMetricData(
        _ queries: [(query: MetricDataQuery, set: Int, statistic: String)],
        results: [String: MetricDataResult],
        run: RuleRun,
        window: ScrapeWindow,
        range: ScrapeWindow,
        into accumulator: ScrapeAccumulator
    ) {
        let rule = run.rule
        let statistics = run.planned.statistics
        var fallbacks: [(index: Int, dimensions: [MetricDimension])] = []
        var setCount = 0
        // The queries of one set are adjacent (built set by set): take each run of them as one set, and its few
        // timestamps in a small array (profiled: a dictionary of dictionaries per set was the largest cost here).
        var start = queries.startIndex
        while start < queries.endIndex {
            let setIndex = queries[start].set
            var end = start
            while end < queries.endIndex, queries[end].set == setIndex { end += 1 }
            let dimensions = queries[start].query.metric.dimensions
            var times: [Date] = []
            var values: [[String: Double]] = []
            var incomplete = false
            for entry in queries[start..<end] {
                guard let result = results[entry.query.id] else {
                    incomplete = true
                    continue
                }
                for (timestamp, value) in zip(result.timestamps, result.values) {
                    if let slot = times.firstIndex(of: timestamp) {
                        // ScanBy=TimestampDescending: the first value at a time is the one upstream keeps.
                        if values[slot][entry.statistic] == nil { values[slot][entry.statistic] = value }
                    } else {
                        times.append(timestamp)
                        values.append([entry.statistic: value])
                    }
                }
                if Self.failedStatusCodes.contains(result.statusCode) { incomplete = true }
            }
            let points = zip(times, values).map { timestamp, values in
                DimensionSetData(dimensions: dimensions, timestamp: timestamp, values: values, unit: "N/A")
            }
            // A set with a query AWS did not answer is not stored: the store would hide the failure.
            if !incomplete {
                store.store(rule: run.planned.key, dimensions: dimensions, range: range, window: window, points: points)
            }
            if let newest = DatapointStore.newest(
                in: points,
                window: range == window ? nil : window,
                rule: rule,
                statistics: statistics
            ) {
                accumulator.store(rule: run.slot, set: setIndex, data: newest)
            } else if incomplete {
                fallbacks.append((setIndex, dimensions))
            }
            setCount += 1
            start = end
        }
        fallBack(run, sets: fallbacks, window: window, into: accumulator)
        metrics.increment(
            .storeMisses,
            [rule.awsNamespace, rule.awsMetricName],
            by: Double(setCount)
        )
        let failed = results.values.filter { Self.failedStatusCodes.contains($0.statusCode) }
        if let first = failed.first {
            recordFailure(
                AWSError(
                    kind: .service,
                    service: "cloudwatch",
                    operation: "GetMetricData",
                    code: "StatusCode\(first.statusCode)",
                    message: "\(failed.count) queries answered \(first.statusCode): "
                        + first.messages.joined(separator: "; ")
                ),
                run: run,
                accumulator: accumulator
            )
        }
    }

    /// Query status codes that mean AWS did not answer the query.
    static let failedStatusCodes: Set<String> = ["Forbidden", "InternalError"]

    /// All pages of one GetMetricData request, with each query's timestamps and values concatenated across pages.
    private func metricDataPages(
        _ queries: [MetricDataQuery],
        run: RuleRun,
        range window: ScrapeWindow,
        deadline: ContinuousClock.Instant?
    ) async throws -> [String: MetricDataResult] {
        let rule = run.rule
        var results: [String: MetricDataResult] = [:]
        let ending = try await Paginator().forEachPage { token in
            let input = GetMetricDataInput(
                queries: queries,
                startTime: window.start,
                endTime: window.end,
                nextToken: token
            )
            let output = try await run.limiter.withSlot {
                try await run.apis.cloudWatch.getMetricData(input, deadline: deadline)
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
