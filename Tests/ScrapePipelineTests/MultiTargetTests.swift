import AWSCore
import AWSServices
import ConfigFile
import Foundation
import Logging
import ResourceTags
import ScrapePipeline
import ScrapeStatus
import Synchronization
import Telemetry
import Testing

/// Issue 12: rules in several regions and accounts, each with its own AWS APIs and tag cache, labelled by `region`
/// and `account_id`, a failure in one never hiding another's series.
@Suite struct MultiTargetTests {
    static let rule = """
        metrics:
        - aws_namespace: AWS/ELB
          aws_metric_name: RequestCount
          aws_dimensions: [LoadBalancerName]
          aws_statistics: [Sum]
          delay_seconds: 60
          range_seconds: 60
        """

    /// A region's fake: its load balancers with Kubernetes tags, RequestCount `value` for each.
    static func region(_ loadBalancers: [String], value: Double, failing: Bool = false) -> FakeAWS {
        FakeAWS(
            .init(
                listMetrics: { _ in
                    if failing {
                        throw AWSError(
                            kind: .connection,
                            service: "cloudwatch",
                            operation: "ListMetrics",
                            code: "ConnectionError",
                            message: "connection refused"
                        )
                    }
                    return ListMetricsOutput(
                        metrics: loadBalancers.map {
                            metric("AWS/ELB", "RequestCount", dims(("LoadBalancerName", $0)))
                        },
                        nextToken: nil
                    )
                },
                getMetricStatistics: { _ in
                    GetMetricStatisticsOutput(
                        label: nil,
                        datapoints: [
                            Datapoint(
                                timestamp: CollectorHarness.now.addingTimeInterval(-120),
                                sum: value,
                                unit: "Count"
                            )
                        ]
                    )
                },
                classicLoadBalancers: {
                    if failing {
                        throw AWSError(
                            kind: .connection,
                            service: "elb",
                            operation: "DescribeLoadBalancers",
                            code: "ConnectionError",
                            message: "connection refused"
                        )
                    }
                    return loadBalancers.map { ($0, [AWSTag(key: "kubernetes.io/service-name", value: "shop/\($0)")]) }
                }
            )
        )
    }

    /// A collector whose targets each talk to their own fake.
    static func collector(
        _ yaml: String,
        fakes: [AWSTarget: (region: String, aws: FakeAWS, account: String)],
        metrics: SelfMetrics = SelfMetrics()
    ) throws -> CloudWatchCollector {
        let config = try ConfigLoader.parse(yaml: yaml, file: "test.yml").config
        return try CloudWatchCollector.make(
            config,
            targets: fakes.mapValues { ($0.region, $0.aws.apis, AccountLookup(known: $0.account)) },
            metrics: metrics
        )
    }

    static func scrape(_ collector: CloudWatchCollector) async -> Scrape {
        await collector.refreshTags(until: nil)
        return Scrape(families: await collector.scrape(deadline: nil))
    }

    @Test func regionsRunEveryRuleInEachRegionAndLabelTheRegion() async throws {
        let east = Self.region(["east-lb"], value: 1)
        let west = Self.region(["west-lb"], value: 2)
        let collector = try Self.collector(
            "regions: [us-east-1, eu-west-1]\n" + Self.rule,
            fakes: [
                AWSTarget(region: "us-east-1"): ("us-east-1", east, "111111111111"),
                AWSTarget(region: "eu-west-1"): ("eu-west-1", west, "111111111111"),
            ]
        )
        #expect(collector.plan.rules.map(\.target.region) == ["us-east-1", "eu-west-1"])
        #expect(collector.plan.labelsRegion && !collector.plan.labelsAccount)
        let scrape = await Self.scrape(collector)
        let labels = [
            job: "aws_elb", instance: "", "load_balancer_name": "east-lb", "region": "us-east-1",
            "namespace": "shop", "service": "east-lb",
        ]
        #expect(scrape.value("aws_elb_request_count_sum", labels) == 1)
        #expect(
            scrape.value(
                "aws_elb_request_count_sum",
                [
                    job: "aws_elb", instance: "", "load_balancer_name": "west-lb", "region": "eu-west-1",
                    "namespace": "shop", "service": "west-lb",
                ]
            ) == 2
        )
        // Each region's calls went to its own APIs only.
        #expect(east.recorded.getMetricStatistics.map(\.dimensions.first?.value) == ["east-lb"])
        #expect(west.recorded.getMetricStatistics.map(\.dimensions.first?.value) == ["west-lb"])
        // aws_elb_tags carries the region right after the load balancer's name.
        let tags = scrape.samples("aws_elb_tags").map { $0.labels.prefix(2).map(\.name) }
        #expect(tags == [["load_balancer_name", "region"], ["load_balancer_name", "region"]])
        #expect(
            scrape.value("cloudwatch_exporter_target_scrape_error", ["region": "eu-west-1", "account_id": ""]) == 0
        )
        #expect(scrape.sample("cloudwatch_exporter_load_balancer_tags_cache_entries", ["type": "classic"])?.value == 2)
    }

    @Test func oneUnreachableRegionKeepsTheOthersSeriesAndSetsItsError() async throws {
        let east = Self.region(["east-lb"], value: 1)
        let west = Self.region(["west-lb"], value: 2, failing: true)
        let collector = try Self.collector(
            "regions: [us-east-1, eu-west-1]\n" + Self.rule,
            fakes: [
                AWSTarget(region: "us-east-1"): ("us-east-1", east, "111111111111"),
                AWSTarget(region: "eu-west-1"): ("eu-west-1", west, "111111111111"),
            ]
        )
        let scrape = await Self.scrape(collector)
        #expect(scrape.samples("aws_elb_request_count_sum").map { $0.value } == [1])
        #expect(scrape.scrapeError == 1)
        #expect(
            scrape.value("cloudwatch_exporter_target_scrape_error", ["region": "eu-west-1", "account_id": ""]) == 1
        )
        #expect(
            scrape.value("cloudwatch_exporter_target_scrape_error", ["region": "us-east-1", "account_id": ""]) == 0
        )
    }

    @Test func rolesOfTwoAccountsLabelTheAccountAndAFailedLookupFailsOnlyItsTarget() async throws {
        let yaml = """
            region: us-east-1
            role_arns: [arn:aws:iam::111111111111:role/metrics, arn:aws:iam::222222222222:role/metrics]
            """ + "\n" + Self.rule
        let first = Self.region(["a-lb"], value: 1)
        let second = Self.region(["b-lb"], value: 2)
        let collector = try Self.collector(
            yaml,
            fakes: [
                AWSTarget(region: "us-east-1", roleARN: "arn:aws:iam::111111111111:role/metrics"):
                    ("us-east-1", first, "111111111111"),
                AWSTarget(region: "us-east-1", roleARN: "arn:aws:iam::222222222222:role/metrics"):
                    ("us-east-1", second, "222222222222"),
            ]
        )
        #expect(!collector.plan.labelsRegion && collector.plan.labelsAccount)
        let scrape = await Self.scrape(collector)
        let accounts = scrape.samples("aws_elb_request_count_sum").map { sample in
            sample.labels.first { $0.name == "account_id" }?.value
        }
        #expect(accounts == ["111111111111", "222222222222"])
        #expect(!scrape.samples("aws_elb_request_count_sum").contains { $0.labels.contains { $0.name == "region" } })
    }

    @Test func anAccountLookupThatFailsDropsOnlyThatTargetsRules() async throws {
        let yaml = """
            region: us-east-1
            metrics:
            - aws_namespace: AWS/ELB
              aws_metric_name: RequestCount
              aws_dimensions: [LoadBalancerName]
              aws_statistics: [Sum]
              delay_seconds: 60
              range_seconds: 60
            - aws_namespace: AWS/ELB
              aws_metric_name: RequestCount
              aws_dimensions: [LoadBalancerName]
              aws_statistics: [Sum]
              delay_seconds: 60
              range_seconds: 60
              role_arn: arn:aws:iam::222222222222:role/metrics
            """
        let own = Self.region(["own-lb"], value: 1)
        let other = Self.region(["other-lb"], value: 2)
        let config = try ConfigLoader.parse(yaml: yaml, file: "test.yml").config
        let unreachable = AccountLookup(
            known: nil,
            lookUp: { _ in
                throw AWSError(
                    kind: .connection,
                    service: "sts",
                    operation: "GetCallerIdentity",
                    code: "ConnectionError",
                    message: "connection refused"
                )
            }
        )
        let collector = try CloudWatchCollector.make(
            config,
            targets: [
                AWSTarget(region: "us-east-1"): ("us-east-1", own.apis, unreachable),
                AWSTarget(region: "us-east-1", roleARN: "arn:aws:iam::222222222222:role/metrics"): (
                    "us-east-1", other.apis, AccountLookup(known: "222222222222")
                ),
            ]
        )
        let scrape = await Self.scrape(collector)
        #expect(scrape.samples("aws_elb_request_count_sum").map { $0.value } == [2])
        // The account lookup ran beside the rules: the target's datapoints were fetched (and stored for the next
        // scrape), only its series, which need the account_id label, are left out.
        #expect(!own.recorded.getMetricStatistics.isEmpty)
        #expect(
            scrape.value("cloudwatch_exporter_target_scrape_error", ["region": "us-east-1", "account_id": ""]) == 1
        )
    }

    /// The contract for configs that do not use the new keys: byte-identical output, no new label or family.
    @Test func oneRegionListedIsByteIdenticalToTheTopLevelRegion() async throws {
        func text(_ header: String) async throws -> String {
            let aws = Self.region(["lb-1", "lb-2"], value: 3)
            let collector = try Self.collector(
                header + Self.rule,
                fakes: [AWSTarget(region: "us-east-1"): ("us-east-1", aws, "111111111111")]
            )
            let families = await Self.scrape(collector).families.filter {
                $0.name != "cloudwatch_exporter_scrape_duration_seconds"
            }
            return Scrape(families: families).text()
        }
        let topLevel = try await text("region: us-east-1\n")
        #expect(try await text("regions: [us-east-1]\n") == topLevel)
        #expect(!topLevel.contains("region="))
        #expect(!topLevel.contains("account_id"))
        #expect(!topLevel.contains("cloudwatch_exporter_target_scrape_error"))
    }

    @Test func aDimensionNamedRegionWinsOverTheRegionLabel() async throws {
        let yaml = """
            regions: [us-east-1, eu-west-1]
            metrics:
            - aws_namespace: Custom
              aws_metric_name: Hits
              aws_dimensions: [Region]
              aws_statistics: [Sum]
              delay_seconds: 60
              range_seconds: 60
            """
        func fake(_ value: String) -> FakeAWS {
            FakeAWS(
                .init(
                    listMetrics: { _ in
                        ListMetricsOutput(metrics: [metric("Custom", "Hits", dims(("Region", value)))], nextToken: nil)
                    },
                    getMetricStatistics: { _ in
                        GetMetricStatisticsOutput(
                            label: nil,
                            datapoints: [Datapoint(timestamp: CollectorHarness.now.addingTimeInterval(-120), sum: 1)]
                        )
                    }
                )
            )
        }
        let collector = try Self.collector(
            yaml,
            fakes: [
                AWSTarget(region: "us-east-1"): ("us-east-1", fake("dimension-east"), ""),
                AWSTarget(region: "eu-west-1"): ("eu-west-1", fake("dimension-west"), ""),
            ]
        )
        let scrape = await Self.scrape(collector)
        let regions = scrape.samples("custom_hits_sum").map { sample in sample.labels.filter { $0.name == "region" } }
        #expect(regions.map { $0.map(\.value) } == [["dimension-east"], ["dimension-west"]])
    }

    @Test func perRegionBoundAndGlobalBoundBothHold() async throws {
        let names = (0..<12).map { "lb-\($0)" }
        let gate = FakeGate()
        func fake() -> FakeAWS {
            FakeAWS(
                .init(
                    listMetrics: { _ in
                        ListMetricsOutput(
                            metrics: names.map { metric("AWS/ELB", "RequestCount", dims(("LoadBalancerName", $0))) },
                            nextToken: nil
                        )
                    },
                    getMetricStatistics: { _ in
                        await gate.pass()
                        return GetMetricStatisticsOutput(label: nil, datapoints: [])
                    }
                )
            )
        }
        let east = fake()
        let west = fake()
        let collector = try Self.collector(
            "regions: [us-east-1, eu-west-1]\nmax_concurrent_requests: 5\nmax_concurrent_requests_per_region: 3\n"
                + Self.rule.replacingOccurrences(
                    of: "aws_statistics",
                    with: "tag_labels: {enabled: false}\n  aws_statistics"
                ),
            fakes: [
                AWSTarget(region: "us-east-1"): ("us-east-1", east, ""),
                AWSTarget(region: "eu-west-1"): ("eu-west-1", west, ""),
            ]
        )
        _ = await collector.collect(deadline: nil)
        #expect(east.recorded.maxInFlight <= 3 && west.recorded.maxInFlight <= 3)
        #expect(gate.maxInFlight <= 5)
        #expect(east.recorded.getMetricStatistics.count == 12 && west.recorded.getMetricStatistics.count == 12)
    }
}

/// Counts calls in flight across fakes: each call yields a few times so that concurrent ones overlap.
final class FakeGate: Sendable {
    private let state = Mutex<(inFlight: Int, max: Int)>((0, 0))
    var maxInFlight: Int { state.withLock { $0.max } }

    func pass() async {
        state.withLock { state in
            state.inFlight += 1
            state.max = max(state.max, state.inFlight)
        }
        for _ in 0..<20 { await Task.yield() }
        state.withLock { $0.inFlight -= 1 }
    }
}
