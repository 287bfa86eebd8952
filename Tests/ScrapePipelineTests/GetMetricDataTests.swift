import AWSServices
import Foundation
import ResourceTags
import ScrapePipeline
import ScrapeStatus
import Telemetry
import Testing

/// GetMetricData batching, paging and partial answers.
@Suite struct GetMetricDataTests {
    static func rule(sets: Int) -> String {
        let names = (0..<sets).map { "lb\($0)" }.joined(separator: ", ")
        return """
            use_get_metric_data: true
            metrics:
            - aws_namespace: AWS/ELB
              aws_metric_name: RequestCount
              aws_dimensions: [LoadBalancerName]
              aws_statistics: [Sum, Average, Maximum]
              aws_dimension_select:
                LoadBalancerName: [\(names)]
            """
    }

    static func answerAll(_ input: GetMetricDataInput) -> GetMetricDataOutput {
        GetMetricDataOutput(
            results: input.queries.map {
                MetricDataResult(
                    id: $0.id,
                    label: $0.label,
                    timestamps: [CollectorHarness.now],
                    values: [1],
                    statusCode: "Complete",
                    messages: []
                )
            },
            nextToken: nil,
            messages: []
        )
    }

    @Test func sixHundredQueriesMakeTwoRequests() async throws {
        let aws = FakeAWS(.init(getMetricData: { Self.answerAll($0) }))
        let harness = try CollectorHarness(Self.rule(sets: 200), aws: aws)
        let scrape = await harness.scrape()
        #expect(aws.recorded.getMetricData.map(\.queries.count).sorted() == [100, 500])
        #expect(
            harness.metrics.value(.cloudWatchRequests, labels: ["action": "getMetricData", "namespace": "AWS/ELB"]) == 2
        )
        #expect(
            harness.metrics.value(.metricsRequested, labels: ["metric_name": "RequestCount", "namespace": "AWS/ELB"])
                == 600
        )
        #expect(scrape.samples("aws_elb_request_count_sum").count == 200)
        let ids = aws.recorded.getMetricData.flatMap(\.queries).map(\.id)
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.first?.isLowercase == true })
    }

    @Test func followsNextTokenAndKeepsNewestValue() async throws {
        let aws = FakeAWS(
            .init(getMetricData: { input in
                let first = input.nextToken == nil
                return GetMetricDataOutput(
                    results: input.queries.map {
                        MetricDataResult(
                            id: $0.id,
                            label: $0.label,
                            timestamps: [CollectorHarness.now.addingTimeInterval(first ? -60 : -120)],
                            values: [first ? 10 : 20],
                            statusCode: first ? "PartialData" : "Complete",
                            messages: []
                        )
                    },
                    nextToken: first ? "page2" : nil,
                    messages: []
                )
            })
        )
        let harness = try CollectorHarness(Self.rule(sets: 1), aws: aws)
        let scrape = await harness.scrape()
        #expect(aws.recorded.getMetricData.map(\.nextToken) == [nil, "page2"])
        #expect(
            scrape.value("aws_elb_request_count_sum", ["job": "aws_elb", "instance": "", "load_balancer_name": "lb0"])
                == 10
        )
        #expect(scrape.scrapeError == 0)
    }

    @Test func forbiddenQueriesFailTheRuleButKeepAnsweredOnes() async throws {
        let aws = FakeAWS(
            .init(getMetricData: { input in
                GetMetricDataOutput(
                    results: input.queries.map {
                        $0.stat == "Maximum"
                            ? MetricDataResult(
                                id: $0.id,
                                label: $0.label,
                                timestamps: [],
                                values: [],
                                statusCode: "Forbidden",
                                messages: ["denied"]
                            )
                            : MetricDataResult(
                                id: $0.id,
                                label: $0.label,
                                timestamps: [CollectorHarness.now],
                                values: [5],
                                statusCode: "Complete",
                                messages: []
                            )
                    },
                    nextToken: nil,
                    messages: []
                )
            })
        )
        let harness = try CollectorHarness(Self.rule(sets: 1), aws: aws)
        let scrape = await harness.scrape()
        #expect(
            scrape.value("aws_elb_request_count_sum", ["job": "aws_elb", "instance": "", "load_balancer_name": "lb0"])
                == 5
        )
        #expect(scrape.samples("aws_elb_request_count_maximum").isEmpty)
        #expect(scrape.scrapeError == 1)
        #expect(
            harness.metrics.value(
                .ruleErrors,
                labels: ["namespace": "AWS/ELB", "metric_name": "RequestCount", "code": "StatusCodeForbidden"]
            ) == 1
        )
    }
}
