import AWSClient
import ExporterConfig
import Foundation

extension CloudWatchCollector {
    /// One GetMetricStatistics call per dimension set, run concurrently; each set keeps the newest datapoint.
    func fetchStatistics(
        _ index: Int,
        sets: [[MetricDimension]],
        window: ScrapeWindow,
        into accumulator: ScrapeAccumulator,
        limiter: AsyncLimiter,
        deadline: ContinuousClock.Instant?
    ) async {
        let rule = matchers[index].rule
        await withTaskGroup(of: Void.self) { group in
            for (setIndex, dimensions) in sets.enumerated() {
                group.addTask {
                    let input = GetMetricStatisticsInput(
                        namespace: rule.awsNamespace,
                        metricName: rule.awsMetricName,
                        dimensions: dimensions,
                        startTime: window.start,
                        endTime: window.end,
                        period: rule.periodSeconds,
                        statistics: rule.statistics,
                        extendedStatistics: rule.extendedStatistics
                    )
                    do {
                        let output = try await limiter.withSlot {
                            try await self.apis.cloudWatch.getMetricStatistics(input, deadline: deadline)
                        }
                        self.metrics.increment(.cloudWatchRequests, ["getMetricStatistics", rule.awsNamespace])
                        self.metrics.increment(.metricsRequested, [rule.awsMetricName, rule.awsNamespace])
                        if let newest = Self.newest(output.datapoints) {
                            accumulator.store(
                                rule: index,
                                set: setIndex,
                                data: Self.data(from: newest, dimensions: dimensions)
                            )
                        }
                    } catch {
                        self.recordFailure(error, rule: rule, accumulator: accumulator)
                        self.fallBack(rule: index, sets: [(setIndex, dimensions)], window: window, into: accumulator)
                    }
                }
            }
        }
    }

    /// After a failed request: the last known data of each of `sets` whose datapoint is still in `window` (see
    /// ``LastKnownData``).
    func fallBack(
        rule index: Int,
        sets: [(index: Int, dimensions: [MetricDimension])],
        window: ScrapeWindow,
        into accumulator: ScrapeAccumulator
    ) {
        for (setIndex, dimensions) in sets {
            if let data = lastKnown.recall(rule: index, dimensions: dimensions, in: window) {
                accumulator.storeIfAbsent(rule: index, set: setIndex, data: data)
            }
        }
    }

    /// The datapoint with the greatest timestamp; on ties the first one, as upstream.
    static func newest(_ datapoints: [Datapoint]) -> Datapoint? {
        var newest: Datapoint?
        for datapoint in datapoints where newest.map({ datapoint.timestamp > $0.timestamp }) ?? true {
            newest = datapoint
        }
        return newest
    }

    /// Every statistic present in the datapoint, whichever were requested, plus its extended statistics.
    static func data(from datapoint: Datapoint, dimensions: [MetricDimension]) -> DimensionSetData {
        var values = datapoint.extendedStatistics
        let standard: [(String, Double?)] = [
            ("Sum", datapoint.sum), ("SampleCount", datapoint.sampleCount), ("Minimum", datapoint.minimum),
            ("Maximum", datapoint.maximum), ("Average", datapoint.average),
        ]
        for (name, value) in standard { if let value { values[name] = value } }
        return DimensionSetData(
            dimensions: dimensions,
            timestamp: datapoint.timestamp,
            values: values,
            unit: datapoint.unit ?? "None"
        )
    }
}
