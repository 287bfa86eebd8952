import AWSCore
import AWSServices
import ConfigFile
import Foundation
import ResourceTags
import ScrapePipeline
import ScrapeStatus
import Telemetry
import Testing

/// What a scrape reports per rule, and the sentences the status page derives from it: each case is the collector
/// run against a fake AWS that answers the way the case needs, then read from the board.
@Suite struct StatusBoardTests {
    static func config(_ ruleExtra: String = "", global: String = "") -> String {
        """
        delay_seconds: 600
        range_seconds: 600
        \(global)
        metrics:
        - aws_namespace: AWS/ELB
          aws_metric_name: RequestCount
          aws_dimensions: [LoadBalancerName]
          aws_statistics: [Sum, Average]
        \(ruleExtra)
        """
    }

    static func listing(_ names: [String], extra: [[MetricDimension]] = []) -> FakeAWS.Handlers {
        FakeAWS.Handlers(
            listMetrics: { _ in
                ListMetricsOutput(
                    metrics: names.map { metric("AWS/ELB", "RequestCount", dims(("LoadBalancerName", $0))) }
                        + extra.map { metric("AWS/ELB", "RequestCount", $0) },
                    nextToken: nil
                )
            },
            getMetricStatistics: { input in
                GetMetricStatisticsOutput(
                    label: nil,
                    datapoints: [
                        Datapoint(timestamp: input.startTime.addingTimeInterval(60), average: 1, sum: 2)
                    ]
                )
            },
            classicLoadBalancers: { [] }
        )
    }

    static func status(_ harness: CollectorHarness) throws -> StatusBoard.RuleStatus {
        let rule = try #require(harness.collector.config.rules.first)
        return try #require(harness.collector.statusBoard.status(of: RuleID(rule)))
    }

    @Test func aHealthyRuleCountsEachStageAndHasNoSentence() async throws {
        let aws = FakeAWS(
            Self.listing(["a", "b"], extra: [dims(("LoadBalancerName", "a"), ("AvailabilityZone", "z"))])
        )
        let harness = try CollectorHarness(Self.config(), aws: aws)
        _ = await harness.scrape()
        let status = try Self.status(harness)
        #expect(
            status.last.discovery
                == RuleDiscovery(
                    source: .listMetrics,
                    listed: 3,
                    exactDimensions: 2,
                    afterSelect: 2,
                    afterRegex: 2,
                    kept: 2
                )
        )
        #expect(status.last.exported == 2)
        #expect(status.last.exportedSeries == 4)
        #expect(status.last.exportedLoadBalancers == ["a", "b"])
        #expect(NoDataExplainer.sentences(rule: status.last.rule, status: status).isEmpty)
    }

    @Test func aRegexThatKeepsNothingIsNamedWithItsCounts() async throws {
        let aws = FakeAWS(Self.listing(["a", "b", "c"]))
        let rule = "  aws_dimension_select_regex:\n    LoadBalancerName: [\"nothing-.*\"]"
        let harness = try CollectorHarness(Self.config(rule), aws: aws)
        _ = await harness.scrape()
        let status = try Self.status(harness)
        #expect(status.last.discovery?.afterRegex == 0)
        #expect(status.last.discovery?.afterSelect == 3)
        let sentences = NoDataExplainer.sentences(rule: status.last.rule, status: status)
        #expect(sentences.count == 1)
        #expect(sentences.first?.hasPrefix("aws_dimension_select_regex kept 0 of 3 dimension sets") == true)
        #expect(aws.recorded.getMetricStatistics.isEmpty)
    }

    @Test func anEmptyListingAndAnInexactOneAreTold() async throws {
        let empty = try CollectorHarness(Self.config(), aws: FakeAWS(Self.listing([])))
        _ = await empty.scrape()
        let emptyStatus = try Self.status(empty)
        let first = NoDataExplainer.sentences(rule: emptyStatus.last.rule, status: emptyStatus)
        #expect(
            first == [
                "ListMetrics returned no metric RequestCount in AWS/ELB with the dimensions [LoadBalancerName] "
                    + "active in the last 3 hours: CloudWatch lists a metric only once it has been published"
            ]
        )
        let inexact = try CollectorHarness(
            Self.config(),
            aws: FakeAWS(Self.listing([], extra: [dims(("LoadBalancerName", "a"), ("AvailabilityZone", "z"))]))
        )
        _ = await inexact.scrape()
        let inexactStatus = try Self.status(inexact)
        let second = NoDataExplainer.sentences(rule: inexactStatus.last.rule, status: inexactStatus)
        #expect(second.first?.hasPrefix("ListMetrics returned 1 metrics RequestCount, none with exactly") == true)
    }

    @Test func accessDeniedNamesTheIAMActionAndIsKeptAfterRecovery() async throws {
        var handlers = Self.listing(["a"])
        handlers.getMetricStatistics = { _ in
            throw AWSError(
                kind: .accessDenied,
                service: "cloudwatch",
                operation: "GetMetricStatistics",
                code: "AccessDenied",
                message: "not authorized",
                httpStatus: 403
            )
        }
        let aws = FakeAWS(handlers)
        let harness = try CollectorHarness(Self.config(), aws: aws)
        _ = await harness.scrape()
        let denied = try Self.status(harness)
        #expect(denied.last.failure?.code == "AccessDenied")
        #expect(denied.last.failure?.iamAction == "cloudwatch:GetMetricStatistics")
        let sentences = NoDataExplainer.sentences(rule: denied.last.rule, status: denied)
        #expect(sentences.count == 1)
        #expect(
            sentences.first?.hasPrefix("AccessDenied for cloudwatch:GetMetricStatistics at 2024-01-01 00:00:00 UTC")
                == true
        )
        // The permission is granted: the next scrape exports, and the board still remembers the last error.
        aws.handlers.withLock { $0.getMetricStatistics = Self.listing(["a"]).getMetricStatistics }
        _ = await harness.scrape()
        let recovered = try Self.status(harness)
        #expect(recovered.last.failure == nil)
        #expect(recovered.last.exported == 1)
        #expect(recovered.lastFailure?.code == "AccessDenied")
        #expect(NoDataExplainer.sentences(rule: recovered.last.rule, status: recovered).isEmpty)
    }

    @Test func noDatapointInTheWindowSaysWhichWindowAndAShortDelay() async throws {
        var handlers = Self.listing(["a"])
        handlers.getMetricStatistics = { _ in GetMetricStatisticsOutput(label: nil, datapoints: []) }
        let harness = try CollectorHarness(
            Self.config("  delay_seconds: 60\n  range_seconds: 120"),
            aws: FakeAWS(handlers)
        )
        _ = await harness.scrape()
        let status = try Self.status(harness)
        let sentences = NoDataExplainer.sentences(rule: status.last.rule, status: status)
        // 2024-01-01 00:00:00 minus 60 s delay and 120 s range.
        #expect(
            sentences == [
                "no datapoint between 23:57 and 23:59 UTC in any of the 1 dimension sets: CloudWatch publishes "
                    + "RequestCount only for periods with traffic or events",
                "delay_seconds 60 is shorter than the 120 s CloudWatch usually needs to publish a period of an AWS "
                    + "metric",
            ]
        )
    }

    @Test func aListMetricsCacheHitKeepsTheCountsOfTheCallThatFilledIt() async throws {
        let aws = FakeAWS(Self.listing(["a", "b"]))
        let rule = "  aws_dimension_select_regex:\n    LoadBalancerName: [\"a\"]"
        let harness = try CollectorHarness(Self.config(rule, global: "list_metrics_cache_ttl: 600"), aws: aws)
        _ = await harness.scrape()
        _ = await harness.scrape()
        #expect(aws.recorded.listMetrics.count == 1)
        let status = try Self.status(harness)
        #expect(status.last.discovery?.source == .listMetricsCache)
        #expect(status.lastListMetrics?.listed == 2)
        #expect(status.lastListMetrics?.afterRegex == 1)
    }

    @Test func aReloadKeepsTheStatusOfUnchangedRulesOnly() async throws {
        let harness = try CollectorHarness(Self.config(), aws: FakeAWS(Self.listing(["a"])))
        _ = await harness.scrape()
        let rule = try #require(harness.collector.config.rules.first)
        #expect(harness.collector.statusBoard.status(of: RuleID(rule)) != nil)
        harness.collector.statusBoard.retain(rules: [RuleID(rule)])
        #expect(harness.collector.statusBoard.status(of: RuleID(rule)) != nil)
        harness.collector.statusBoard.retain(rules: [])
        #expect(harness.collector.statusBoard.status(of: RuleID(rule)) == nil)
    }

    @Test func aDeadlineBeforeDiscoveryAndSuspiciousConfigValuesAreTold() throws {
        let loaded = try ConfigLoader.parse(
            yaml: Self.config("  period_seconds: 10\n  range_seconds: 5\n  delay_seconds: 300"),
            file: "test.yml"
        )
        let rule = try #require(loaded.config.rules.first)
        let report = RuleReport(
            id: RuleID(rule),
            scrapeTime: CollectorHarness.now,
            window: ScrapeWindow(now: CollectorHarness.now, delaySeconds: 300, rangeSeconds: 5),
            discovery: nil,
            exported: 0,
            deadlinePassed: true
        )
        let sentences = NoDataExplainer.sentences(rule: rule, status: StatusBoard.RuleStatus(last: report))
        #expect(
            sentences == [
                "period_seconds 10 is shorter than the 60 s resolution of AWS metrics",
                "range_seconds 5 is shorter than period_seconds 10: the window may hold no period start",
                "the scrape deadline passed before ListMetrics answered for this rule: give the scrape more time "
                    + "(scrape_timeout in Prometheus), or cache ListMetrics (list_metrics_cache_ttl)",
            ]
        )
        #expect(
            NoDataExplainer.sentences(rule: rule, status: nil).last
                == "no scrape has run this rule yet: the next request to /metrics runs it"
        )
    }
}
