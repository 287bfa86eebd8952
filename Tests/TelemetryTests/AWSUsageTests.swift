import Foundation
import Synchronization
import Telemetry
import Testing

/// The AWS usage the status page shows: calls, billed units (ListMetrics and GetMetricStatistics requests, GetMetricData
/// metrics) and errors, since start and per minute over the last hour, on an injected clock.
@Suite struct AWSUsageTests {
    final class Clock: Sendable {
        let seconds = Mutex(1_704_067_200.0)
        func advance(_ by: Double) { seconds.withLock { $0 += by } }
        var now: Date { Date(timeIntervalSince1970: seconds.withLock { $0 }) }
    }

    @Test func billedUnitsFollowCloudWatchPricing() {
        let metrics = SelfMetrics()
        metrics.cloudWatchRequest(.listMetrics, namespace: "AWS/ELB")
        metrics.cloudWatchRequest(.listMetrics, namespace: "AWS/ELB")
        for _ in 0..<3 { metrics.cloudWatchRequest(.getMetricStatistics, namespace: "AWS/ELB") }
        metrics.metricsRequested(metricName: "RequestCount", namespace: "AWS/ELB", count: 3)
        metrics.cloudWatchRequest(.getMetricData, namespace: "AWS/ELB")
        metrics.metricsRequested(metricName: "Latency", namespace: "AWS/ELB", count: 500)
        metrics.taggingRequest(resourceType: "ec2:instance")
        let usage = metrics.usage()
        // 2 ListMetrics + 3 GetMetricStatistics + 500 GetMetricData metrics; the GetMetricData request itself and the
        // tagging API are not billed.
        #expect(usage.sinceStart.billedUnits == 505)
        #expect(usage.lastHour.billedUnits == 505)
        #expect(abs(usage.sinceStart.estimatedCostUSD - 0.00505) < 1e-12)
    }

    @Test func callsAndErrorsAreCountedPerMinuteAndAgeOutAfterAnHour() {
        let clock = Clock()
        let metrics = SelfMetrics(now: { clock.now })
        metrics.awsCallAttempted(service: "cloudwatch", action: "ListMetrics")
        metrics.awsCallAttempted(service: "cloudwatch", action: "ListMetrics")
        metrics.awsCallFailed(service: "cloudwatch", action: "ListMetrics", code: "Throttling")
        clock.advance(60)
        metrics.awsCallAttempted(service: "elb", action: "DescribeTags")
        var usage = metrics.usage()
        #expect(usage.callsPerMinute.count == 60)
        #expect(Array(usage.callsPerMinute.suffix(2)) == [2, 1])
        #expect(usage.callsPerMinute.reduce(0, +) == 3)
        #expect(
            usage.lastHour.errors == [
                AWSUsage.Count(service: "cloudwatch", action: "ListMetrics", detail: "Throttling", count: 1)
            ]
        )
        #expect(usage.sinceStart.calls.map(\.count) == [2, 1])
        // 59 minutes later the first minute has left the hour; the totals since start keep it.
        clock.advance(59 * 60)
        usage = metrics.usage()
        #expect(usage.callsPerMinute.reduce(0, +) == 1)
        #expect(usage.callsPerMinute.first == 1)
        #expect(usage.lastHour.errors.isEmpty)
        #expect(usage.sinceStart.errors.count == 1)
        clock.advance(3600)
        usage = metrics.usage()
        #expect(usage.callsPerMinute.allSatisfy { $0 == 0 })
        #expect(usage.lastHour.calls.isEmpty)
    }

    @Test func aClockThatStepsBackOrJumpsFarDoesNotTrap() {
        let clock = Clock()
        let metrics = SelfMetrics(now: { clock.now })
        metrics.awsCallAttempted(service: "cloudwatch", action: "ListMetrics")
        clock.advance(-86_400)
        metrics.awsCallAttempted(service: "cloudwatch", action: "ListMetrics")
        clock.advance(1e300)
        metrics.awsCallAttempted(service: "cloudwatch", action: "ListMetrics")
        #expect(metrics.usage().sinceStart.calls.first?.count == 3)
    }
}
