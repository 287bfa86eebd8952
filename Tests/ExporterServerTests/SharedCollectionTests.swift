import AWSCore
import AWSTestSupport
import ConfigFile
import Exposition
import Foundation
import Logging
import ScrapePipeline
import Synchronization
import Telemetry
import Testing

@testable import ExporterServer

/// One collection per runtime, shared by the requests that arrive while it runs; each request leaves at its own
/// deadline and then answers from the datapoint store, without an AWS call and without a second status report.
/// Deadlines pass when the test says so; CloudWatch answers when the test opens its gate.
@Suite(.timeLimit(.minutes(1))) struct SharedCollectionTests {
    /// CloudWatch over JSON 1.0: every GetMetricStatistics is held until `gate` opens, then answered with one
    /// datapoint two minutes old.
    final class HeldCloudWatch: HTTPTransport {
        let gate = Gate()
        let received = Atomic<Int>(0)

        func send(_ request: HTTPRequest, timeout: Duration) async throws -> HTTPResponse {
            guard request.headers.contains(where: { $0.1.hasSuffix(".GetMetricStatistics") }) else {
                Issue.record("unexpected request to \(request.url)")
                return HTTPResponse(status: 400)
            }
            received.add(1, ordering: .relaxed)
            try await gate.waitOrCancel()
            let timestamp = Int(Date().timeIntervalSince1970 / 60) * 60 - 120
            let body = #"{"Label":"RequestCount","Datapoints":[{"Timestamp":\#(timestamp),"Sum":5.0,"Unit":"Count"}]}"#
            return HTTPResponse(
                status: 200,
                headers: [("Content-Type", "application/x-amz-json-1.0")],
                body: Array(body.utf8)
            )
        }

        var requests: Int { received.load(ordering: .relaxed) }
    }

    static let config = """
        region: us-east-1
        delay_seconds: 0
        range_seconds: 600
        period_seconds: 60
        aws_max_attempts: 1
        metrics:
        - aws_namespace: AWS/ELB
          aws_metric_name: RequestCount
          aws_dimensions: [LoadBalancerName]
          aws_statistics: [Sum]
          aws_dimension_select: {LoadBalancerName: [web]}
          tag_labels: {enabled: false}
        """

    /// Counts the calls of the state's after-collection hook.
    final class Calls: Sendable {
        private let count = Atomic<Int>(0)
        func record() { count.add(1, ordering: .relaxed) }
        var value: Int { count.load(ordering: .relaxed) }
    }

    static func waitUntil(_ condition: () -> Bool) async {
        while !condition() { await Task.yield() }
    }

    static func value(_ families: [MetricFamily], _ name: String) -> Double? {
        families.flatMap(\.samples).first { $0.name == name }?.value
    }

    @Test func aLateRequestAnswersFromTheStoreWithoutASecondCollection() async throws {
        let deadlines = ManualDeadlines()
        let transport = HeldCloudWatch()
        let factory = RuntimeFactory(
            environment: ["AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret"],
            transport: transport,
            metrics: SelfMetrics(),
            logger: Logger(label: "test")
        )
        let config = try ConfigLoader.parse(yaml: Self.config, file: "shared.yml").config
        let afterCollection = Calls()
        let state = ExporterState(
            initial: try await factory.make(config: config, previous: nil),
            configPath: "shared.yml",
            factory: factory,
            sleep: deadlines.sleep,
            afterCollection: afterCollection.record
        )
        let collector = state.current.collector
        let patient = Task { await state.scrape(deadline: .now.advanced(by: .seconds(3_000))) }
        await Self.waitUntil { transport.requests == 1 }
        let lateDeadline = ContinuousClock.now.advanced(by: .seconds(1_000))
        let late = Task { await state.scrape(deadline: lateDeadline) }
        await Self.waitUntil { deadlines.deadlinesSleptOn >= 3 }
        deadlines.pass(lateDeadline)
        let lateFamilies = await late.value
        // Nothing fetched yet: no series, the request still out counted as missed, and no second collection.
        #expect(Self.value(lateFamilies, "aws_elb_request_count_sum") == nil)
        #expect((Self.value(lateFamilies, "cloudwatch_exporter_scrape_missed_requests") ?? 0) >= 1)
        #expect(Self.value(lateFamilies, "cloudwatch_exporter_scrape_error") == 1)
        #expect(transport.requests == 1)
        #expect(collector.statusBoard.status(of: collector.plan.rules[0].id) == nil)
        // Each request's own end of the collection (the memory hook runs once per request, before its families).
        #expect(afterCollection.value == 1)
        transport.gate.open()
        let families = await patient.value
        #expect(Self.value(families, "aws_elb_request_count_sum") == 5)
        #expect(Self.value(families, "cloudwatch_exporter_scrape_error") == 0)
        #expect(transport.requests == 1)
        #expect(collector.statusBoard.status(of: collector.plan.rules[0].id)?.last.exported == 1)
        // A request after the collection ended answers from what it stored, in the same period slot.
        let again = await state.scrape(deadline: .now.advanced(by: .seconds(2_000)))
        #expect(Self.value(again, "aws_elb_request_count_sum") == 5)
        #expect(transport.requests == 1)
        #expect(afterCollection.value == 3)
    }

    @Test func aShutdownAnswersWaitingRequestsAtOnceFromTheStore() async throws {
        let transport = HeldCloudWatch()
        let factory = RuntimeFactory(
            environment: ["AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret"],
            transport: transport,
            metrics: SelfMetrics(),
            logger: Logger(label: "test")
        )
        let config = try ConfigLoader.parse(yaml: Self.config, file: "shared.yml").config
        let state = ExporterState(
            initial: try await factory.make(config: config, previous: nil),
            configPath: "shared.yml",
            factory: factory,
            sleep: ManualDeadlines().sleep
        )
        let waiting = Task { await state.scrape(deadline: nil) }
        await Self.waitUntil { transport.requests == 1 }
        state.cancelCollections()
        let families = await waiting.value
        #expect(Self.value(families, "aws_elb_request_count_sum") == nil)
        #expect(Self.value(families, "cloudwatch_exporter_scrape_error") == 1)
        // Later requests start nothing.
        _ = await state.scrape(deadline: nil)
        #expect(transport.requests == 1)
    }
}
