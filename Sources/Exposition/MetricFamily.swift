/// A named group of samples sharing HELP and TYPE.
public struct MetricFamily: Sendable, Equatable {
    /// The family name; for counters the name WITHOUT `_total` (the OpenMetrics family name).
    public var name: String
    /// The HELP text, unescaped.
    public var help: String
    /// The metric type.
    public var type: MetricType
    /// The samples, in output order.
    public var samples: [Sample]

    /// Creates a metric family.
    public init(name: String, help: String, type: MetricType, samples: [Sample] = []) {
        self.name = name
        self.help = help
        self.type = type
        self.samples = samples
    }
}
