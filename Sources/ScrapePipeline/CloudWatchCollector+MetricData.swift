import AWSCore
import AWSServices
import ConfigFile
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
        let answers = store.answers(rule: run.planned.key, sets: sets, window: window, statistics: statistics)
        var answered: [(index: Int, data: DimensionSetData)] = []
        var answeredCount = 0
        // Query `q` asks for set `missing[q / statistics.count]` and statistic `statistics[q % statistics.count]`;
        // its id is `q<q>`, so a result finds its query without a dictionary of ids.
        var missing: [Int] = []
        var queries: [MetricDataQuery] = []
        for (setIndex, answer) in answers.enumerated() {
            if let answer {
                answeredCount += 1
                if let answer { answered.append((setIndex, answer)) }
                continue
            }
            missing.append(setIndex)
            let dimensions = sets[setIndex]
            let dimensionKey = Self.labelKey(dimensions)
            for statistic in statistics {
                queries.append(
                    MetricDataQuery(
                        id: "q\(queries.count)",
                        metric: CloudWatchMetric(
                            namespace: rule.awsNamespace,
                            metricName: rule.awsMetricName,
                            dimensions: dimensions
                        ),
                        period: rule.periodSeconds,
                        stat: statistic,
                        label: statistic + "/" + dimensionKey
                    )
                )
            }
        }
        accumulator.store(rule: run.slot, sets: answered)
        let chunks = stride(from: 0, to: queries.count, by: Self.maximumQueriesPerRequest).map {
            $0..<min($0 + Self.maximumQueriesPerRequest, queries.count)
        }
        if answeredCount > 0 {
            // A fresh fetch would have sent every set's queries, in ⌈queries / 500⌉ requests.
            let freshRequests =
                (sets.count * statistics.count + Self.maximumQueriesPerRequest - 1) / Self.maximumQueriesPerRequest
            recordStoreHits(
                rule,
                sets: answeredCount,
                requests: max(0, freshRequests - chunks.count),
                metrics: answeredCount * statistics.count
            )
            accumulator.countStoreAnswers(rule: run.slot, sets: answeredCount)
        }
        guard !chunks.isEmpty else { return }
        let queryCount = queries.count
        var results = [MetricDataResult?](repeating: nil, count: queryCount)
        // A failed request leaves its queries without results: their sets count as incomplete below.
        await withTaskGroup(of: [(Int, MetricDataResult)].self) { group in
            for chunk in chunks {
                let chunkQueries = Array(queries[chunk])
                group.addTask {
                    do {
                        let answer = try await self.metricDataPages(
                            chunkQueries,
                            queryCount: queryCount,
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
                        return []
                    }
                }
            }
            for await answer in group {
                for (index, result) in answer where results[index] == nil { results[index] = result }
            }
        }
        storeMetricData(
            missing: missing,
            sets: sets,
            results: results,
            run: run,
            window: window,
            range: range,
            into: accumulator
        )
    }

    /// A query's label: the statistic's set as `Name=value` pairs, sorted and comma-separated.
    static func labelKey(_ dimensions: [MetricDimension]) -> String {
        if dimensions.count == 1, let only = dimensions.first { return only.name + "=" + only.value }
        return dimensions.map { "\($0.name)=\($0.value)" }.sorted().joined(separator: ",")
    }

    /// Turns GetMetricData results into datapoints per dimension set: stores each set whose queries were all answered,
    /// exports each set's newest values in the window, falls back to the store for sets whose request failed, and
    /// counts queries AWS could not answer (the answered ones are kept).
    private func storeMetricData(
        missing: [Int],
        sets: [[MetricDimension]],
        results: [MetricDataResult?],
        run: RuleRun,
        window: ScrapeWindow,
        range: ScrapeWindow,
        into accumulator: ScrapeAccumulator
    ) {
        let rule = run.rule
        let statistics = run.planned.statistics
        var fallbacks: [(index: Int, dimensions: [MetricDimension])] = []
        var fetched: [(index: Int, data: DimensionSetData)] = []
        fetched.reserveCapacity(missing.count)
        var failed: [MetricDataResult] = []
        var complete: [(dimensions: [MetricDimension], points: [DimensionSetData])] = []
        complete.reserveCapacity(missing.count)
        for (position, setIndex) in missing.enumerated() {
            let dimensions = sets[setIndex]
            // One point per timestamp holding every statistic returned at it; a set has a few timestamps, so a
            // linear search (profiled: a dictionary of dictionaries per set was the largest cost here).
            var points: [DimensionSetData] = []
            var incomplete = false
            for (offset, statistic) in statistics.enumerated() {
                guard let result = results[position * statistics.count + offset] else {
                    incomplete = true
                    continue
                }
                for (timestamp, value) in zip(result.timestamps, result.values) {
                    if let slot = points.firstIndex(where: { $0.timestamp == timestamp }) {
                        // ScanBy=TimestampDescending: the first value at a time is the one upstream keeps.
                        if points[slot][statistic] == nil { points[slot][statistic] = value }
                    } else {
                        points.append(
                            DimensionSetData(
                                dimensions: dimensions,
                                timestamp: timestamp,
                                values: [.init(statistic: statistic, value: value)],
                                unit: "N/A"
                            )
                        )
                    }
                }
                if Self.failedStatusCodes.contains(result.statusCode) {
                    incomplete = true
                    failed.append(result)
                }
            }
            // Timestamps are distinct: oldest first is the store's order (answers come newest first).
            points.sort { ($0.timestamp ?? .distantPast) < ($1.timestamp ?? .distantPast) }
            // A set with a query AWS did not answer is not stored: the store would hide the failure.
            if !incomplete { complete.append((dimensions, points)) }
            if let newest = DatapointStore.newest(
                in: points,
                window: range == window ? nil : window,
                rule: rule,
                statistics: statistics
            ) {
                fetched.append((setIndex, newest))
            } else if incomplete {
                fallbacks.append((setIndex, dimensions))
            }
        }
        store.store(rule: run.planned.key, sets: complete, range: range, window: window)
        accumulator.store(rule: run.slot, sets: fetched)
        fallBack(run, sets: fallbacks, window: window, into: accumulator)
        metrics.increment(
            .storeMisses,
            [rule.awsNamespace, rule.awsMetricName],
            by: Double(missing.count)
        )
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

    /// All pages of one GetMetricData request, with each query's timestamps and values concatenated across pages,
    /// by query index (`q<index>`; a result with any other id, or one out of range, is dropped).
    private func metricDataPages(
        _ queries: [MetricDataQuery],
        queryCount: Int,
        run: RuleRun,
        range window: ScrapeWindow,
        deadline: ContinuousClock.Instant?
    ) async throws -> [(Int, MetricDataResult)] {
        let rule = run.rule
        var results: [Int: MetricDataResult] = [:]
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
                guard let index = Self.queryIndex(result.id), index < queryCount else { continue }
                if var existing = results.removeValue(forKey: index) {
                    existing.timestamps += result.timestamps
                    existing.values += result.values
                    existing.statusCode = result.statusCode
                    results[index] = existing
                } else {
                    results[index] = result
                }
            }
        }
        warnIfIncomplete(ending, operation: "GetMetricData", rule: rule)
        return Array(results)
    }

    /// The index in a query id `q<index>`; nil for any other id.
    static func queryIndex(_ id: String) -> Int? {
        let utf8 = id.utf8
        guard utf8.first == UInt8(ascii: "q"), utf8.count > 1, utf8.count <= 10 else { return nil }
        var index = 0
        for byte in utf8.dropFirst() {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            index = index * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return index
    }
}
