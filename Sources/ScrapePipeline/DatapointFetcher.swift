import AWSServices
import FoundationEssentials
import Telemetry

/// One way of fetching datapoints (GetMetricStatistics or GetMetricData): the requests for the dimension sets the
/// datapoint store cannot answer, and what one request returns, as a value.
protocol DatapointFetcher: Sendable {
    associatedtype Request: Sendable

    /// The action, as `cloudwatch_requests_total` names it.
    var action: CloudWatchAction { get }
    /// Answers one dimension set needs before it is complete: one call, or one query per statistic.
    var answersPerSet: Int { get }
    /// The requests that fetch `sets`.
    func requests(for sets: [PendingSet]) -> [Request]
    /// Sends one request (every page of it) and returns what it brought for each set it asked for.
    func fetch(_ request: Request) async -> FetchStep
    /// Requests and billed metrics a fetch of `sets` dimension sets would cost (what the store saves).
    func cost(ofSets sets: Int) -> (requests: Int, metrics: Int)
}

/// A dimension set the datapoint store could not answer, by its index in the rule's listing.
struct PendingSet: Sendable {
    let index: Int
    let dimensions: [MetricDimension]
}

/// What one request brought for one dimension set. With GetMetricData a set's statistics can come in two requests
/// (a request holds at most 500 queries): the parts are merged until every answer is in.
struct SetPart: Sendable {
    let index: Int
    let dimensions: [MetricDimension]
    /// The datapoints: with GetMetricData one per timestamp, holding each statistic returned at it.
    var points: [DimensionSetData]
    /// Answers that arrived (calls or queries).
    var answered: Int
    /// Answers that did not: the request failed, or AWS answered the query with a failed status.
    var failed: Int

    /// Adds another part of the same set (other statistics): a statistic's first value at a time is kept.
    mutating func merge(_ other: SetPart) {
        answered += other.answered
        failed += other.failed
        for point in other.points {
            // A set has a few timestamps: a linear search (profiled: a dictionary of dictionaries per set was the
            // largest cost here).
            if let slot = points.firstIndex(where: { $0.timestamp == point.timestamp }) {
                for value in point.values where points[slot][value.statistic] == nil {
                    points[slot][value.statistic] = value.value
                }
            } else {
                points.append(point)
            }
        }
    }
}

/// What one request returned, as a value: each set's part, and what failed.
struct FetchStep: Sendable {
    var parts: [SetPart] = []
    /// The request's failure (every set it asked for counts as failed).
    var error: (any Error)?
    /// Queries AWS answered with a status that means it did not answer them (GetMetricData).
    var failedQueries: [MetricDataResult] = []
    /// Sets fetched from CloudWatch (what `datapoint_store_misses` counts).
    var fetchedSets = 0
}
