import AWSCore
import AWSServices
import ConfigFile
import FoundationEssentials
import ScrapeStatus
import Telemetry

/// GetMetricData: one query per (dimension set, statistic), 500 queries per request, every NextToken page followed;
/// each query's timestamps and values become the set's datapoints.
///
/// Query `q` asks for pending set `q / statistics.count` and statistic `q % statistics.count`; its id is `q<q>`, so a
/// result finds its query without a dictionary of ids.
struct MetricDataFetcher: DatapointFetcher {
    /// The most queries GetMetricData accepts in one request.
    static let maximumQueriesPerRequest = 500
    /// Query status codes that mean AWS did not answer the query.
    static let failedStatusCodes: Set<String> = ["Forbidden", "InternalError"]

    /// One request: a run of consecutive queries, and the sets they belong to.
    struct Request: Sendable {
        let queries: Range<Int>
        let sets: [PendingSet]
        /// The position (among all pending sets) of `sets.first`.
        let firstPosition: Int
    }

    let context: RuleContext
    /// What each request asks for: the window, extended to the settled periods after it.
    let range: ScrapeWindow

    var action: CloudWatchAction { .getMetricData }
    var answersPerSet: Int { context.planned.statistics.count }

    func cost(ofSets sets: Int) -> (requests: Int, metrics: Int) {
        let queries = sets * answersPerSet
        return ((queries + Self.maximumQueriesPerRequest - 1) / Self.maximumQueriesPerRequest, queries)
    }

    func requests(for sets: [PendingSet]) -> [Request] {
        let perSet = answersPerSet
        guard perSet > 0 else { return [] }
        let total = sets.count * perSet
        return stride(from: 0, to: total, by: Self.maximumQueriesPerRequest).map { start in
            let end = min(start + Self.maximumQueriesPerRequest, total)
            let first = start / perSet
            let last = (end - 1) / perSet
            return Request(queries: start..<end, sets: Array(sets[first...last]), firstPosition: first)
        }
    }

    func fetch(_ request: Request) async -> FetchStep {
        let rule = context.planned.rule
        let statistics = context.planned.statistics
        let perSet = statistics.count
        var step = FetchStep()
        var results: [Int: MetricDataResult] = [:]
        do {
            results = try await pages(of: request)
            context.metrics.metricsRequested(
                metricName: rule.awsMetricName,
                namespace: rule.awsNamespace,
                count: request.queries.count
            )
        } catch {
            // A failed request leaves its queries without results: their sets count as incomplete.
            step.error = error
        }
        for (offset, set) in request.sets.enumerated() {
            let position = request.firstPosition + offset
            var part = SetPart(index: set.index, dimensions: set.dimensions, points: [], answered: 0, failed: 0)
            for (statisticOffset, statistic) in statistics.enumerated() {
                let query = position * perSet + statisticOffset
                guard request.queries.contains(query) else { continue }
                guard let result = results[query] else {
                    part.failed += 1
                    continue
                }
                part.merge(Self.points(of: result, statistic: statistic, dimensions: set.dimensions))
                if Self.failedStatusCodes.contains(result.statusCode) {
                    part.failed += 1
                    step.failedQueries.append(result)
                } else {
                    part.answered += 1
                }
            }
            step.parts.append(part)
        }
        return step
    }

    /// One query's result as datapoints of one statistic (ScanBy=TimestampDescending: the first value at a time is
    /// the one upstream keeps).
    private static func points(of result: MetricDataResult, statistic: String, dimensions: [MetricDimension]) -> SetPart
    {
        var part = SetPart(index: 0, dimensions: dimensions, points: [], answered: 0, failed: 0)
        for (timestamp, value) in zip(result.timestamps, result.values) {
            if part.points.contains(where: { $0.timestamp == timestamp }) { continue }
            part.points.append(
                DimensionSetData(
                    dimensions: dimensions,
                    timestamp: timestamp,
                    values: [.init(statistic: statistic, value: value)],
                    unit: "N/A"
                )
            )
        }
        return part
    }

    /// The queries of `request`: one per (set, statistic), numbered as ``queryIndex(_:)`` reads them back.
    private func queries(of request: Request) -> [MetricDataQuery] {
        let rule = context.planned.rule
        let statistics = context.planned.statistics
        let perSet = statistics.count
        return request.queries.map { query in
            let set = request.sets[query / perSet - request.firstPosition]
            return MetricDataQuery(
                id: "q\(query)",
                metric: CloudWatchMetric(
                    namespace: rule.awsNamespace,
                    metricName: rule.awsMetricName,
                    dimensions: set.dimensions
                ),
                period: rule.periodSeconds,
                stat: statistics[query % perSet],
                label: statistics[query % perSet] + "/" + Self.labelKey(set.dimensions)
            )
        }
    }

    /// All pages of one GetMetricData request, with each query's timestamps and values concatenated across pages,
    /// by query number (`q<number>`; a result with any other id, or one outside the request's, is dropped).
    ///
    /// The queries are made once the request holds its slot of the bound, and let go of with its answer: every
    /// request of a rule is started at once and waits for a slot, and at 100,000 series the queries of the 200
    /// waiting requests (their labels and arrays, 19 MiB) were the largest part of the peak memory of a fetch.
    private func pages(of request: Request) async throws -> [Int: MetricDataResult] {
        let rule = context.planned.rule
        let context = self.context
        let window = self.range
        let range = request.queries
        var results: [Int: MetricDataResult] = [:]
        try await context.forEachPage("GetMetricData") { token in
            let input = GetMetricDataInput(
                queries: queries(of: request),
                startTime: window.start,
                endTime: window.end,
                nextToken: token
            )
            let output = try await context.apis.cloudWatch.getMetricData(input, deadline: context.deadline)
            return (output, output.nextToken)
        } consume: { output in
            context.metrics.cloudWatchRequest(.getMetricData, namespace: rule.awsNamespace)
            for result in output.results {
                guard let index = Self.queryIndex(result.id), range.contains(index) else { continue }
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
        return results
    }

    /// A query's label: the statistic's set as `Name=value` pairs, sorted and comma-separated.
    static func labelKey(_ dimensions: [MetricDimension]) -> String {
        if dimensions.count == 1, let only = dimensions.first { return only.name + "=" + only.value }
        return dimensions.map { "\($0.name)=\($0.value)" }.sorted().joined(separator: ",")
    }

    /// The number in a query id `q<number>`; nil for any other id.
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
