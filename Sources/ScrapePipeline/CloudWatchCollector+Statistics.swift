import AWSServices
import ConfigFile
import Foundation

extension CloudWatchCollector {
    /// One GetMetricStatistics call per dimension set the datapoint store cannot answer, run concurrently; each set
    /// exports the newest datapoint of the window.
    func fetchStatistics(
        _ run: RuleRun,
        sets: [[MetricDimension]],
        window: ScrapeWindow,
        at scrapeTime: Date,
        into accumulator: ScrapeAccumulator,
        deadline: ContinuousClock.Instant?
    ) async {
        let rule = run.rule
        let statistics = run.planned.statistics
        let range = DatapointStore.fetchRange(rule, window: window, now: scrapeTime)
        var answered = 0
        defer {
            // Counted once per rule, not per set: each count takes the self metrics' lock.
            if answered > 0 {
                recordStoreHits(rule, sets: answered, requests: answered, metrics: answered)
                accumulator.countStoreAnswers(rule: run.slot, sets: answered)
            }
        }
        // Every set asked at once, before any fetch stores into the rule's entries (a read while one writes would
        // copy them).
        let answers = store.answers(rule: run.planned.key, sets: sets, window: window, statistics: statistics)
        var hits: [(index: Int, data: DimensionSetData)] = []
        await withTaskGroup(of: Void.self) { group in
            for (setIndex, dimensions) in sets.enumerated() {
                if let answer = answers[setIndex] {
                    answered += 1
                    if let answer { hits.append((setIndex, answer)) }
                    continue
                }
                group.addTask {
                    let input = GetMetricStatisticsInput(
                        namespace: rule.awsNamespace,
                        metricName: rule.awsMetricName,
                        dimensions: dimensions,
                        startTime: range.start,
                        endTime: range.end,
                        period: rule.periodSeconds,
                        statistics: rule.statistics,
                        extendedStatistics: rule.extendedStatistics
                    )
                    do {
                        let output = try await run.limiter.withSlot {
                            try await run.apis.cloudWatch.getMetricStatistics(input, deadline: deadline)
                        }
                        self.metrics.increment(.cloudWatchRequests, ["getMetricStatistics", rule.awsNamespace])
                        self.metrics.increment(.metricsRequested, [rule.awsMetricName, rule.awsNamespace])
                        self.metrics.increment(.storeMisses, [rule.awsNamespace, rule.awsMetricName])
                        let points = output.datapoints.map { Self.data(from: $0, dimensions: dimensions) }
                        self.store.store(
                            rule: run.planned.key,
                            dimensions: dimensions,
                            range: range,
                            window: window,
                            points: points
                        )
                        if let newest = DatapointStore.newest(
                            in: points,
                            window: range == window ? nil : window,
                            rule: rule,
                            statistics: statistics
                        ) {
                            accumulator.store(rule: run.slot, set: setIndex, data: newest)
                        }
                    } catch {
                        self.recordFailure(error, run: run, accumulator: accumulator)
                        self.fallBack(run, sets: [(setIndex, dimensions)], window: window, into: accumulator)
                    }
                }
            }
            accumulator.store(rule: run.slot, sets: hits)
        }
    }

    /// Counts dimension sets answered from the datapoint store, and the requests and billed metrics a fresh fetch
    /// would have cost.
    func recordStoreHits(_ rule: MetricRule, sets: Int, requests: Int, metrics billed: Int) {
        metrics.increment(.storeHits, [rule.awsNamespace, rule.awsMetricName], by: Double(sets))
        let action = rule.useGetMetricData ? "getMetricData" : "getMetricStatistics"
        if requests > 0 {
            metrics.increment(.storeSavedRequests, [action, rule.awsNamespace], by: Double(requests))
        }
        metrics.increment(.storeSavedMetrics, [rule.awsMetricName, rule.awsNamespace], by: Double(billed))
    }

    /// After a failed request: the datapoint an earlier fetch of each of `sets` returned, while it is still in
    /// `window` (see ``DatapointStore/lastKnown(rule:dimensions:window:statistics:)``).
    func fallBack(
        _ run: RuleRun,
        sets: [(index: Int, dimensions: [MetricDimension])],
        window: ScrapeWindow,
        into accumulator: ScrapeAccumulator
    ) {
        let statistics = run.planned.statistics
        for (setIndex, dimensions) in sets {
            if let data = store.lastKnown(
                rule: run.planned.key,
                dimensions: dimensions,
                window: window,
                statistics: statistics
            ) {
                accumulator.storeIfAbsent(rule: run.slot, set: setIndex, data: data)
            }
        }
    }

    /// Every statistic present in the datapoint, whichever were requested, plus its extended statistics.
    static func data(from datapoint: Datapoint, dimensions: [MetricDimension]) -> DimensionSetData {
        var data = DimensionSetData(
            dimensions: dimensions,
            timestamp: datapoint.timestamp,
            unit: datapoint.unit ?? "None"
        )
        if let sum = datapoint.sum { data["Sum"] = sum }
        if let sampleCount = datapoint.sampleCount { data["SampleCount"] = sampleCount }
        if let minimum = datapoint.minimum { data["Minimum"] = minimum }
        if let maximum = datapoint.maximum { data["Maximum"] = maximum }
        if let average = datapoint.average { data["Average"] = average }
        for (statistic, value) in datapoint.extendedStatistics { data[statistic] = value }
        return data
    }
}
