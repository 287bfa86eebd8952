public import FoundationEssentials

/// One GetMetricStatistics datapoint.
public struct Datapoint: Sendable, Hashable {
    /// The start of the period.
    public var timestamp: Date
    /// `SampleCount`, when requested.
    public var sampleCount: Double?
    /// `Average`, when requested.
    public var average: Double?
    /// `Sum`, when requested.
    public var sum: Double?
    /// `Minimum`, when requested.
    public var minimum: Double?
    /// `Maximum`, when requested.
    public var maximum: Double?
    /// The unit, e.g. `Seconds`.
    public var unit: String?
    /// Percentile values by name, e.g. `p99`.
    public var extendedStatistics: [String: Double]

    /// Creates a value.
    public init(
        timestamp: Date,
        sampleCount: Double? = nil,
        average: Double? = nil,
        sum: Double? = nil,
        minimum: Double? = nil,
        maximum: Double? = nil,
        unit: String? = nil,
        extendedStatistics: [String: Double] = [:]
    ) {
        self.timestamp = timestamp
        self.sampleCount = sampleCount
        self.average = average
        self.sum = sum
        self.minimum = minimum
        self.maximum = maximum
        self.unit = unit
        self.extendedStatistics = extendedStatistics
    }
}
