import NIOCore

extension TimeAmount {
    /// `duration` in NIO's nanoseconds, saturating instead of trapping past what `Int64` nanoseconds hold.
    init(clamping duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else {
            self = .nanoseconds(seconds < 0 ? .min : .max)
            return
        }
        let (total, sumOverflow) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        self = .nanoseconds(sumOverflow ? (seconds < 0 ? .min : .max) : total)
    }
}
