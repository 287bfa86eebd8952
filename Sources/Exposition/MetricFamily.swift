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
    /// Where the renderer keeps this family's text, for a family built once and exported by many scrapes; `nil`
    /// renders it every time. Used only while `samples` is the array it was rendered from.
    public var rendered: RenderedFamily?

    /// Creates a metric family.
    public init(
        name: String,
        help: String,
        type: MetricType,
        samples: [Sample] = [],
        rendered: RenderedFamily? = nil
    ) {
        self.name = name
        self.help = help
        self.type = type
        self.samples = samples
        self.rendered = rendered
    }

    /// Equal when name, HELP, type and samples are; where the text is kept does not count.
    public static func == (lhs: MetricFamily, rhs: MetricFamily) -> Bool {
        lhs.name == rhs.name && lhs.help == rhs.help && lhs.type == rhs.type && lhs.samples == rhs.samples
    }
}
