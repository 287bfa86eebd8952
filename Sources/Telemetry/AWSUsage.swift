/// The AWS calls the exporter made, what CloudWatch bills for them, and what failed: since start and over the last
/// hour, for the status page.
public struct AWSUsage: Sendable, Equatable {
    /// One count of calls by service and action (errors and retries add a code or reason).
    public struct Count: Sendable, Equatable {
        /// `cloudwatch`, `elb`, `elbv2`, `tagging`, `sts`, ...
        public var service: String
        /// The AWS operation, e.g. `GetMetricStatistics`.
        public var action: String
        /// The error code or retry reason; empty for calls.
        public var detail: String
        /// How many.
        public var count: Int

        /// Creates a count.
        public init(service: String, action: String, detail: String, count: Int) {
            self.service = service
            self.action = action
            self.detail = detail
            self.count = count
        }
    }

    /// Counts over one period.
    public struct Totals: Sendable, Equatable {
        /// HTTP attempts by service and action.
        public var calls: [Count] = []
        /// Calls that failed after retries, by service, action and code.
        public var errors: [Count] = []
        /// Attempts retried, by service, action and reason.
        public var retries: [Count] = []
        /// What CloudWatch bills: one per ListMetrics or GetMetricStatistics request, one per metric a
        /// GetMetricData request asks for. The ELB and tagging APIs are free.
        public var billedUnits: Int = 0

        /// The estimated cost at ``AWSUsage/pricePerThousandUnits``.
        public var estimatedCostUSD: Double { Double(billedUnits) * AWSUsage.pricePerThousandUnits / 1000 }
    }

    /// The public list price (us-east-1) of 1,000 CloudWatch API requests, or 1,000 GetMetricData metrics, in USD.
    public static let pricePerThousandUnits = 0.01

    /// Since the process started.
    public var sinceStart = Totals()
    /// Over the last 60 minutes, this one included.
    public var lastHour = Totals()
    /// Calls per minute for the last 60 minutes, oldest first; the last entry is the current minute.
    public var callsPerMinute: [Int] = Array(repeating: 0, count: 60)
}
