public import AWSServices
public import FoundationEssentials

/// The values one dimension set returned in one scrape: the newest datapoint's statistics.
public struct DimensionSetData: Sendable, Equatable {
    /// One statistic's value.
    public struct Value: Sendable, Equatable {
        /// `Sum`, `Average`, ... or an extended statistic as AWS returned it (`p99`).
        public var statistic: String
        /// The value.
        public var value: Double
    }

    /// The dimensions, in the order CloudWatch (or the permutation) gave them; this is the label order.
    public var dimensions: [MetricDimension]
    /// The datapoint timestamp (with GetMetricData, that of the first query of this set that had data).
    public var timestamp: Date?
    /// Each statistic's value, each statistic once, in the order they were set. A datapoint holds a handful, so
    /// this is a small collection searched in order: profiled, a dictionary per datapoint cost an allocation and a
    /// hash per look-up on every one of tens of thousands of series per scrape.
    public private(set) var values: Values
    /// The unit of the datapoint, `N/A` with GetMetricData.
    public var unit: String

    /// Creates the data of one dimension set.
    public init(dimensions: [MetricDimension], timestamp: Date?, values: [Value] = [], unit: String) {
        self.dimensions = dimensions
        self.timestamp = timestamp
        self.values = Values(values)
        self.unit = unit
    }

    /// The value of `statistic`; setting one replaces its value, setting `nil` removes it.
    public subscript(statistic: String) -> Double? {
        get {
            for entry in values where entry.statistic == statistic { return entry.value }
            return nil
        }
        set {
            let index = values.firstIndex { $0.statistic == statistic }
            switch (index, newValue) {
            case (let index?, let value?): values.set(value, at: index)
            case (let index?, nil): values.remove(at: index)
            case (nil, let value?): values.append(Value(statistic: statistic, value: value))
            case (nil, nil): break
            }
        }
    }

    /// Equal when dimensions, timestamp, unit and the statistics' values are, whatever order they were set in.
    public static func == (lhs: DimensionSetData, rhs: DimensionSetData) -> Bool {
        lhs.dimensions == rhs.dimensions && lhs.timestamp == rhs.timestamp && lhs.unit == rhs.unit
            && lhs.values.count == rhs.values.count && lhs.values.allSatisfy { rhs[$0.statistic] == $0.value }
    }

    /// The statistics' values: the first held inline and the rest in an array, so that the datapoint of one
    /// statistic (nearly every one) costs no allocation of its own; at 100,000 series the arrays were 5.6 MiB of
    /// the datapoint store and 100,000 allocations per fetch.
    public struct Values: RandomAccessCollection, Sendable, Equatable, ExpressibleByArrayLiteral {
        private var head: Value?
        private var tail: [Value] = []

        init(_ values: [Value]) {
            head = values.first
            tail = Array(values.dropFirst())
        }

        /// The values, in order.
        public init(arrayLiteral values: Value...) { self.init(values) }

        /// The position of the first value (0).
        public var startIndex: Int { 0 }
        /// The number of values.
        public var endIndex: Int { head == nil ? 0 : 1 + tail.count }

        /// The value at `position`.
        public subscript(position: Int) -> Value {
            if position == 0, let head { return head }
            return tail[position - 1]
        }

        mutating func set(_ value: Double, at position: Int) {
            if position == 0, head != nil {
                head?.value = value
            } else {
                tail[position - 1].value = value
            }
        }

        mutating func append(_ value: Value) {
            if head == nil {
                head = value
            } else {
                tail.append(value)
            }
        }

        mutating func remove(at position: Int) {
            if position == 0 {
                head = tail.isEmpty ? nil : tail.removeFirst()
            } else {
                tail.remove(at: position - 1)
            }
        }
    }
}
