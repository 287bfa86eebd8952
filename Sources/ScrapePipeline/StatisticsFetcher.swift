import AWSServices
import ConfigFile
import FoundationEssentials
import ScrapeStatus
import Telemetry

/// GetMetricStatistics: one call per dimension set, for the fetch range; every statistic a datapoint carries is
/// kept.
struct StatisticsFetcher: DatapointFetcher {
    let context: RuleContext
    /// What each call asks for: the window, extended to the settled periods after it.
    let range: ScrapeWindow

    var action: CloudWatchAction { .getMetricStatistics }
    var answersPerSet: Int { 1 }

    func requests(for sets: [PendingSet]) -> [PendingSet] { sets }

    func cost(ofSets sets: Int) -> (requests: Int, metrics: Int) { (sets, sets) }

    func fetch(_ set: PendingSet) async -> FetchStep {
        let rule = context.planned.rule
        let input = GetMetricStatisticsInput(
            namespace: rule.awsNamespace,
            metricName: rule.awsMetricName,
            dimensions: set.dimensions,
            startTime: range.start,
            endTime: range.end,
            period: rule.periodSeconds,
            statistics: rule.statistics,
            extendedStatistics: rule.extendedStatistics
        )
        do {
            let output = try await context.call {
                try await context.apis.cloudWatch.getMetricStatistics(input, deadline: context.deadline)
            }
            context.metrics.cloudWatchRequest(.getMetricStatistics, namespace: rule.awsNamespace)
            context.metrics.metricsRequested(metricName: rule.awsMetricName, namespace: rule.awsNamespace)
            let points = output.datapoints.map { Self.data(from: $0, dimensions: set.dimensions) }
            return FetchStep(
                parts: [SetPart(index: set.index, dimensions: set.dimensions, points: points, answered: 1, failed: 0)],
                fetchedSets: 1
            )
        } catch {
            return FetchStep(
                parts: [SetPart(index: set.index, dimensions: set.dimensions, points: [], answered: 0, failed: 1)],
                error: error
            )
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
