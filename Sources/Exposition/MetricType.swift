/// The type of a metric family, as written in the `# TYPE` line.
public enum MetricType: String, Sendable {
    /// A value that can go up and down.
    case gauge
    /// A monotonically increasing count; its samples are `x_total` and optionally `x_created`.
    case counter
    /// A metric of unknown type (`untyped` in text 0.0.4, `unknown` in OpenMetrics).
    case untyped
}
