import AWSServices
import AWSTestSupport
import ConfigFile
import Foundation
import Logging
import ResourceTags
import ScrapePipeline
import ScrapeStatus
import Telemetry
import Testing

/// One simulated hour of a Prometheus HA pair (two scrapers every 30 s, 13 s apart) against the real collector,
/// on a virtual clock and a fake CloudWatch: requests and billed metrics per hour with and without the datapoint
/// store. `scripts/bench.sh` runs it with 1,000 load balancers (`SIMULATION_LOAD_BALANCERS`); the test suite with 20
/// (the ratios are per dimension set, so they do not depend on the fleet size).
@Suite(.heavy) struct CostSimulationTests {
    static let loadBalancers = Int(ProcessInfo.processInfo.environment["SIMULATION_LOAD_BALANCERS"] ?? "") ?? 20

    struct Tally {
        var requests = 0
        var billedMetrics = 0
        var steadyRequests = 0
    }

    static func config(delay: Int, range: Int, settle: Int?) throws -> ExporterConfig {
        let names = (0..<loadBalancers).map { String(format: "lb%030d", $0) }.joined(separator: ", ")
        let settleLine = settle.map { "settle_seconds: \($0)\n" } ?? ""
        return try ConfigLoader.parse(
            yaml: """
                delay_seconds: \(delay)
                range_seconds: \(range)
                period_seconds: 60
                \(settleLine)tag_labels: {enabled: false}
                metrics:
                - aws_namespace: AWS/ELB
                  aws_metric_name: RequestCount
                  aws_dimensions: [LoadBalancerName]
                  aws_statistics: [Sum]
                  aws_dimension_select: {LoadBalancerName: [\(names)]}
                - aws_namespace: AWS/ELB
                  aws_metric_name: Latency
                  aws_dimensions: [LoadBalancerName]
                  aws_statistics: [Average]
                  aws_dimension_select: {LoadBalancerName: [\(names)]}

                """,
            file: "simulation.yml"
        ).config
    }

    /// Scrapes at the HA pair's instants for one hour; `freshStore` gives every scrape an empty store (no store:
    /// what the exporter did before, and what cloudwatch_exporter does).
    static func simulate(_ config: ExporterConfig, freshStore: Bool) async throws -> Tally {
        let clock = DatapointStorePropertyTests.VirtualClock(Date(timeIntervalSince1970: 1_767_225_607))
        let aws = DatapointStorePropertyTests.fakeAWS(clock: clock, period: 60, settledAfter: 0)
        let shared = DatapointStore()
        let start = clock.now
        var instants: [Double] = []
        for round in 0..<120 {
            instants.append(Double(round * 30))
            instants.append(Double(round * 30 + 13))
        }
        var tally = Tally()
        for (number, offset) in instants.enumerated() {
            clock.set(start.addingTimeInterval(offset))
            let before = aws.recorded.getMetricStatistics.count
            let collector = try DatapointStorePropertyTests.collector(
                config,
                aws: aws,
                clock: clock,
                store: freshStore ? DatapointStore() : shared
            )
            _ = await collector.collect(deadline: nil)
            let made = aws.recorded.getMetricStatistics.count - before
            if number > 0 { tally.steadyRequests += made }
        }
        tally.requests = aws.recorded.getMetricStatistics.count
        tally.billedMetrics = tally.requests  // one metric per GetMetricStatistics request
        return tally
    }

    @Test func theStoreCutsTheHourlyBill() async throws {
        let seedWindows = try Self.config(delay: 60, range: 60, settle: nil)
        let upstreamWindows = try Self.config(delay: 600, range: 600, settle: nil)
        let upstreamSettled = try Self.config(delay: 600, range: 600, settle: 120)
        let today = try await Self.simulate(seedWindows, freshStore: true)
        let store = try await Self.simulate(seedWindows, freshStore: false)
        let upstreamToday = try await Self.simulate(upstreamWindows, freshStore: true)
        let settled = try await Self.simulate(upstreamSettled, freshStore: false)
        let sets = 2 * Self.loadBalancers
        print(
            """
            Cost simulation: \(Self.loadBalancers) classic ELBs, RequestCount Sum + Latency Average (\(sets) series), \
            a Prometheus HA pair scraping every 30 s, one simulated hour (240 scrapes)
            | windows | store | GetMetricStatistics / hour | billed metrics / hour | after the first scrape | vs today |
            | --- | --- | --- | --- | --- | --- |
            | delay 60 / range 60 | none (before) | \(today.requests) | \(today.billedMetrics) | \(today.steadyRequests) | 1 |
            | delay 60 / range 60 | default settle | \(store.requests) | \(store.billedMetrics) | \(store.steadyRequests) \
            | 1/\(Self.ratio(today, store)) |
            | delay 600 / range 600 | none (before) | \(upstreamToday.requests) | \(upstreamToday.billedMetrics) \
            | \(upstreamToday.steadyRequests) | 1 |
            | delay 600 / range 600 | settle_seconds 120 | \(settled.requests) | \(settled.billedMetrics) \
            | \(settled.steadyRequests) | 1/\(Self.ratio(upstreamToday, settled)) |
            """
        )
        #expect(today.requests == 240 * sets)
        // Steady state (after the first scrape): at most a quarter, and a thirtieth with settle_seconds 120.
        #expect(store.steadyRequests * 4 <= today.steadyRequests)
        #expect(settled.steadyRequests * 30 <= upstreamToday.steadyRequests)
    }

    static func ratio(_ before: Tally, _ after: Tally) -> String {
        String(format: "%.1f", Double(before.steadyRequests) / Double(max(1, after.steadyRequests)))
    }
}
