import AWSServices
import AWSTestSupport
import ConfigFile
import Exposition
import Foundation
import Logging
import ResourceTags
import ScrapePipeline
import ScrapeStatus
import Synchronization
import Telemetry
import Testing

/// The datapoint store against fresh fetches, on a virtual clock over simulated hours: random periods, delays and
/// ranges, random scrape instants. Nothing here reads the wall clock.
@Suite(.heavy) struct DatapointStorePropertyTests {
    final class VirtualClock: Sendable {
        private let current: Mutex<Date>
        init(_ start: Date) { current = Mutex(start) }
        var now: Date { current.withLock { $0 } }
        func set(_ date: Date) { current.withLock { $0 = date } }
    }

    /// CloudWatch as the store assumes it: a datapoint per period start, aligned to the period, from the request's
    /// StartTime rounded down to the minute (as CloudWatch rounds it); its value is final once the period is
    /// `settledAfter` seconds old, and changes with every look before that.
    static func datapoints(
        set: String,
        start: Date,
        end: Date,
        period: Int,
        now: Date,
        settledAfter: Int
    ) -> [(Date, Double)] {
        let step = Double(period)
        var points: [(Date, Double)] = []
        let roundedStart = (start.timeIntervalSince1970 / 60).rounded(.down) * 60
        var k = (roundedStart / step).rounded(.up)
        while k * step < end.timeIntervalSince1970, k * step <= now.timeIntervalSince1970 {
            let periodStart = k * step
            let base = Double(set.utf8.reduce(0) { $0 + Int($1) }) + k.truncatingRemainder(dividingBy: 1000)
            let settled = now.timeIntervalSince1970 - periodStart >= Double(settledAfter)
            points.append((Date(timeIntervalSince1970: periodStart), settled ? base : base + now.timeIntervalSince1970))
            k += 1
        }
        return points
    }

    static func fakeAWS(clock: VirtualClock, period: Int, settledAfter: Int) -> FakeAWS {
        FakeAWS(
            .init(
                getMetricStatistics: { input in
                    let set = input.dimensions.first?.value ?? ""
                    let points = datapoints(
                        set: set,
                        start: input.startTime,
                        end: input.endTime,
                        period: period,
                        now: clock.now,
                        settledAfter: settledAfter
                    )
                    return GetMetricStatisticsOutput(
                        label: nil,
                        datapoints: points.reversed().map { Datapoint(timestamp: $0.0, sum: $0.1, unit: "Count") }
                    )
                },
                getMetricData: { input in
                    GetMetricDataOutput(
                        results: input.queries.map { query in
                            let points = datapoints(
                                set: query.metric.dimensions.first?.value ?? "",
                                start: input.startTime,
                                end: input.endTime,
                                period: period,
                                now: clock.now,
                                settledAfter: settledAfter
                            ).reversed()
                            return MetricDataResult(
                                id: query.id,
                                label: query.label,
                                timestamps: points.map(\.0),
                                values: points.map(\.1),
                                statusCode: "Complete",
                                messages: []
                            )
                        },
                        nextToken: nil,
                        messages: []
                    )
                }
            )
        )
    }

    struct Case: CustomStringConvertible {
        var period: Int
        var delay: Int
        var range: Int
        var settle: Int?
        var getMetricData: Bool
        var description: String {
            "period \(period) delay \(delay) range \(range) settle \(settle.map(String.init) ?? "default") "
                + "GetMetricData \(getMetricData)"
        }

        var yaml: String {
            """
            tag_labels: {enabled: false}
            metrics:
            - aws_namespace: AWS/ELB
              aws_metric_name: RequestCount
              aws_dimensions: [LoadBalancerName]
              aws_statistics: [Sum]
              aws_dimension_select: {LoadBalancerName: [a, b, c]}
              period_seconds: \(period)
              delay_seconds: \(delay)
              range_seconds: \(range)
              use_get_metric_data: \(getMetricData)
            \(settle.map { "  settle_seconds: \($0)" } ?? "")
            """
        }
    }

    static func collector(_ config: ExporterConfig, aws: FakeAWS, clock: VirtualClock, store: DatapointStore) throws
        -> CloudWatchCollector
    {
        try CloudWatchCollector.make(config, apis: aws.apis, store: store, now: { clock.now })
    }

    static func cloudWatchLines(_ families: [MetricFamily]) -> String {
        Scrape(families: families).text().split(separator: "\n").filter { $0.hasPrefix("aws_elb") }
            .joined(separator: "\n")
    }

    /// The period starts `[first, last]` a window can hold, computed independently of the collector.
    static func slot(_ t: Double, delay: Int, range: Int, settle: Int, period: Int) -> (Int, Int) {
        let step = Double(period)
        let first = Int(((t - Double(delay + range)) / step).rounded(.up))
        let last = Int(((t - Double(settle)) / step).rounded(.up)) - 1
        return (first, last)
    }

    /// Runs `scrapes` random instants over about three hours and checks each output against a fresh fetch at the
    /// same instant; returns (store requests, predicted requests).
    static func run(_ testCase: Case, seed: UInt64, settledAfter: Int) async throws -> (Int, Int) {
        var random = SplitMix64(seed: seed)
        let config = try ConfigLoader.parse(yaml: testCase.yaml, file: "property.yml").config
        let clock = VirtualClock(
            Date(timeIntervalSince1970: 1_767_225_600 + Double(Int.random(in: 0..<3600, using: &random)))
        )
        let stored = fakeAWS(clock: clock, period: testCase.period, settledAfter: settledAfter)
        let store = DatapointStore()
        let withStore = try collector(config, aws: stored, clock: clock, store: store)
        let settle = min(testCase.settle ?? testCase.delay, testCase.delay)
        var predicted = 0
        var covered: (Int, Int)?
        for _ in 0..<120 {
            clock.set(clock.now.addingTimeInterval(Double(Int.random(in: 1...150, using: &random))))
            let fresh = fakeAWS(clock: clock, period: testCase.period, settledAfter: settledAfter)
            let once = try collector(config, aws: fresh, clock: clock, store: DatapointStore())
            let expected = cloudWatchLines(await once.scrape(deadline: nil))
            let actual = cloudWatchLines(await withStore.scrape(deadline: nil))
            #expect(actual == expected, "\(testCase) at \(clock.now.timeIntervalSince1970)")
            let t = clock.now.timeIntervalSince1970
            let needed = slot(
                t,
                delay: testCase.delay,
                range: testCase.range,
                settle: testCase.delay,
                period: testCase.period
            )
            if let covered, covered.0 <= needed.0, needed.1 <= covered.1 {
                // answered from the store
            } else {
                predicted += 1
                covered = slot(t, delay: testCase.delay, range: testCase.range, settle: settle, period: testCase.period)
                if settle == testCase.delay { covered = needed }
            }
        }
        let requests =
            testCase.getMetricData
            ? stored.recorded.getMetricData.count : stored.recorded.getMetricStatistics.count / 3
        return (requests, predicted)
    }

    static func randomCases(seed: UInt64, count: Int, settle: (inout SplitMix64, Int) -> Int?) -> [(Case, UInt64)] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { index in
            let period = [60, 60, 300][Int.random(in: 0..<3, using: &random)]
            let delay = [0, 60, 120, 300, 600][Int.random(in: 0..<5, using: &random)]
            let range = period * Int.random(in: 1...10, using: &random)
            let testCase = Case(
                period: period,
                delay: delay,
                range: range,
                settle: settle(&random, delay),
                getMetricData: Bool.random(using: &random)
            )
            return (testCase, seed &+ UInt64(index))
        }
    }

    /// Default settle time: the same output as a fresh fetch at every instant, even while CloudWatch still revises
    /// periods younger than the delay, and one request per dimension set per period boundary crossed.
    @Test func defaultSettleIsIdenticalToAFreshFetch() async throws {
        for (testCase, seed) in Self.randomCases(seed: 1, count: 12, settle: { _, _ in nil }) {
            let (requests, predicted) = try await Self.run(testCase, seed: seed, settledAfter: testCase.delay)
            #expect(requests == predicted, "\(testCase)")
        }
    }

    /// A shorter settle time, with datapoints that never change after publication: still identical, with the
    /// predicted (smaller) number of requests.
    @Test func shorterSettleIsIdenticalWhenDataDoesNotChange() async throws {
        let cases = Self.randomCases(seed: 2, count: 12) { random, delay in Int.random(in: 0...delay, using: &random) }
        for (testCase, seed) in cases {
            let (requests, predicted) = try await Self.run(testCase, seed: seed, settledAfter: 0)
            #expect(requests == predicted, "\(testCase)")
        }
    }
}
