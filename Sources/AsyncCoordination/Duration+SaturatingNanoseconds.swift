extension Duration {
    /// The duration in whole nanoseconds (what NIO's `TimeAmount` counts), saturating at `Int64`'s bounds (about
    /// 292 years) instead of trapping: a timeout from a config value or header can be any size.
    public var saturatingNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return seconds < 0 ? .min : .max }
        let (total, sumOverflow) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        return sumOverflow ? (seconds < 0 ? .min : .max) : total
    }
}
