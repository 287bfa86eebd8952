public import AWSCore
import FoundationEssentials

/// CloudWatch's read operations: ListMetrics, GetMetricStatistics and GetMetricData (one page per call).
///
/// It speaks JSON 1.0 by default (smaller and faster to decode than Query XML; see docs/aws.md for the
/// measurements) and Query XML on request; both give the same results and error codes.
public struct CloudWatchClient: Sendable {
    /// The most queries one GetMetricData call accepts.
    public static let maximumQueriesPerCall = 500

    let caller: AWSServiceCaller
    let wireProtocol: AWSWireProtocol

    /// Creates a client.
    /// - Parameters:
    ///   - caller: A caller for ``AWSServiceDescriptor/cloudWatch``.
    ///   - wireProtocol: `.json10` (default) or `.query`.
    public init(caller: AWSServiceCaller, wireProtocol: AWSWireProtocol = .json10) {
        self.caller = caller
        self.wireProtocol = wireProtocol == .query ? .query : .json10
    }

    /// Fetches one ListMetrics page.
    /// - Throws: ``AWSError``.
    public func listMetrics(_ input: ListMetricsInput, deadline: ContinuousClock.Instant?) async throws
        -> ListMetricsOutput
    {
        try await listMetrics(input, deadline: deadline, knownSets: nil)
    }

    /// Fetches one ListMetrics page; with JSON, its sets equal to `knownSets`' are those arrays (Query XML is
    /// decoded from its tree, without reuse).
    /// - Throws: ``AWSError``.
    public func listMetrics(
        _ input: ListMetricsInput,
        deadline: ContinuousClock.Instant?,
        knownSets: KnownDimensionSets?
    ) async throws -> ListMetricsOutput {
        switch wireProtocol {
        case .query:
            let result = try await caller.query(
                action: "ListMetrics",
                parameters: CloudWatchQueryCoding.listMetrics(input),
                deadline: deadline
            )
            return try decoding("ListMetrics") { CloudWatchQueryCoding.listMetricsOutput(result) }
        default:
            // Pages are decoded as they are read, as GetMetricData's are: a 100,000-series fleet lists 200 pages a
            // scrape.
            return try await caller.json(
                target: "ListMetrics",
                body: CloudWatchJSONCoding.listMetrics(input).serialized(),
                deadline: deadline
            ) { bytes in
                try decoding("ListMetrics") {
                    try CloudWatchJSONCoding.listMetricsOutput(bytes: bytes, knownSets: knownSets)
                }
            }
        }
    }

    /// Calls GetMetricStatistics.
    /// - Throws: ``AWSError``.
    public func getMetricStatistics(
        _ input: GetMetricStatisticsInput,
        deadline: ContinuousClock.Instant?
    ) async throws -> GetMetricStatisticsOutput {
        switch wireProtocol {
        case .query:
            let result = try await caller.query(
                action: "GetMetricStatistics",
                parameters: CloudWatchQueryCoding.getMetricStatistics(input),
                deadline: deadline
            )
            return try decoding("GetMetricStatistics") { try CloudWatchQueryCoding.getMetricStatisticsOutput(result) }
        default:
            let result = try await caller.json(
                target: "GetMetricStatistics",
                body: CloudWatchJSONCoding.getMetricStatistics(input),
                deadline: deadline
            )
            return try decoding("GetMetricStatistics") { try CloudWatchJSONCoding.getMetricStatisticsOutput(result) }
        }
    }

    /// Fetches one GetMetricData page, newest datapoints first (`ScanBy=TimestampDescending`).
    /// - Throws: ``AWSError`` of kind `.validation` (code `TooManyQueries`) for more than 500 queries, without
    ///   calling AWS; otherwise as the call fails.
    public func getMetricData(_ input: GetMetricDataInput, deadline: ContinuousClock.Instant?) async throws
        -> GetMetricDataOutput
    {
        guard input.queries.count <= Self.maximumQueriesPerCall else {
            throw AWSError(
                kind: .validation,
                service: "cloudwatch",
                operation: "GetMetricData",
                code: "TooManyQueries",
                message: "GetMetricData takes at most \(Self.maximumQueriesPerCall) queries, got \(input.queries.count)"
            )
        }
        if input.queries.isEmpty { return GetMetricDataOutput(results: [], nextToken: nil, messages: []) }
        switch wireProtocol {
        case .query:
            let result = try await caller.query(
                action: "GetMetricData",
                parameters: CloudWatchQueryCoding.getMetricData(input),
                deadline: deadline
            )
            return try decoding("GetMetricData") { try CloudWatchQueryCoding.getMetricDataOutput(result) }
        default:
            return try await caller.json(
                target: "GetMetricData",
                body: CloudWatchJSONCoding.getMetricDataBody(input),
                deadline: deadline
            ) { bytes in
                try decoding("GetMetricData") { try CloudWatchJSONCoding.getMetricDataOutput(bytes: bytes) }
            }
        }
    }

    /// Publishes datapoints (`PutMetricData`), one call per batch of at most 20 datapoints so that bodies stay
    /// small and uncompressed. The exporter never writes metrics; this seeds test environments.
    /// - Throws: ``AWSError``.
    public func putMetricData(namespace: String, data: [MetricDatum], deadline: ContinuousClock.Instant?) async throws {
        var start = 0
        while start < data.count {
            let batch = Array(data[start..<min(start + 20, data.count)])
            _ = try await caller.json(
                target: "PutMetricData",
                body: CloudWatchJSONCoding.putMetricData(namespace: namespace, data: batch),
                deadline: deadline
            )
            start += 20
        }
    }

    private func decoding<T>(_ operation: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as AWSError {
            throw error
        } catch let error as JSONParseError {
            // The caller reports it as a malformed answer, with the response's status and request id.
            throw error
        } catch {
            throw AWSError(
                kind: .malformedResponse,
                service: "cloudwatch",
                operation: operation,
                code: "MalformedResponse",
                message: "\(error)"
            )
        }
    }
}
