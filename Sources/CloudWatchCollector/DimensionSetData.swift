public import AWSClient
public import Foundation

/// The values one dimension set returned in one scrape: the newest datapoint's statistics.
public struct DimensionSetData: Sendable, Equatable {
    /// The dimensions, in the order CloudWatch (or the permutation) gave them; this is the label order.
    public var dimensions: [MetricDimension]
    /// The datapoint timestamp (with GetMetricData, that of the first query of this set that had data).
    public var timestamp: Date?
    /// Values by statistic: `Sum`, `Average`, ... and extended statistics by the string AWS returned (`p99`).
    public var values: [String: Double]
    /// The unit of the datapoint, `N/A` with GetMetricData.
    public var unit: String

    /// Creates the data of one dimension set.
    public init(dimensions: [MetricDimension], timestamp: Date?, values: [String: Double], unit: String) {
        self.dimensions = dimensions
        self.timestamp = timestamp
        self.values = values
        self.unit = unit
    }
}
