import AWSServices
import AWSTestSupport
import ConfigFile
import Foundation
import ResourceTags
import ScrapePipeline
import Synchronization
import Testing

/// Tags never cost a scrape its data, and the first scrape after start-up still has labels when the tags can be had
/// by its deadline. The listing is slow because the test holds it (a gate), and deadlines pass when the test says so:
/// nothing here depends on the speed of the machine.
@Suite(.timeLimit(.minutes(1))) struct FirstScrapeLabelTests {
    static let fleet = (0..<45).map { index in
        (String(format: "first%027d", index), [AWSTag(key: "kubernetes.io/service-name", value: "shop/svc-\(index)")])
    }

    static func aws(_ listing: Gate, fleet: [(String, [AWSTag])] = fleet) -> FakeAWS {
        let aws = LoadBalancerTagLabelTests.classicAWS(fleet)
        aws.handlers.withLock { $0.loadBalancerListing = listing }
        return aws
    }

    static func labelled(_ scrape: Scrape) -> (labelled: Int, all: Int) {
        let samples = scrape.samples("aws_elb_request_count_sum")
        return (samples.filter { $0.labels.contains { $0.name == "service" } }.count, samples.count)
    }

    /// A first scrape started with the load balancer listing and the deadline both held, returned once every set
    /// is fetched: from then on the scrape waits only for tags (or its deadline).
    static func firstScrapeWithItsDataIn() async throws -> (
        harness: CollectorHarness, scrape: Task<Scrape, Never>, listing: Gate, deadline: Gate
    ) {
        let listing = Gate()
        let deadline = Gate()
        let harness = try CollectorHarness(
            LoadBalancerTagLabelTests.classicRule,
            aws: Self.aws(listing),
            deadlineGate: deadline
        )
        let scrape = Task { await harness.scrape(deadline: .now.advanced(by: .seconds(3_600))) }
        while harness.aws.recorded.getMetricStatistics.count < Self.fleet.count { await Task.yield() }
        return (harness, scrape, listing, deadline)
    }

    @Test func theFirstScrapeWaitsForTheFirstTagRefreshAndIsLabelled() async throws {
        let (_, scrape, listing, _) = try await Self.firstScrapeWithItsDataIn()
        // The data is in (every set fetched) while the listing is still held: the scrape waits only for tags.
        listing.open()
        let result = await scrape.value
        #expect(Self.labelled(result) == (45, 45))
        #expect(result.scrapeError == 0)
    }

    @Test func whenTheDeadlineComesFirstTheDataGoesOutUnlabelledAndLaterScrapesDoNotWait() async throws {
        let (harness, first, listing, deadline) = try await Self.firstScrapeWithItsDataIn()
        deadline.open()
        let answered = await first.value
        // Every series, none labelled: tags are decoration, the data is not.
        #expect(Self.labelled(answered) == (0, 45))
        // The listing is still held: a second scrape must not wait for it again.
        let second = await harness.scrape(deadline: .now.advanced(by: .seconds(3_600)))
        #expect(Self.labelled(second) == (0, 45))
        listing.open()
        await harness.refreshTags()
        #expect(Self.labelled(await harness.scrape()) == (45, 45))
    }

    /// Ten targets (5 regions × 2 accounts) of 40 load balancers each; one target's listing is held. The others are
    /// labelled on the first scrape all the same (each target's refresh has its own bound), and the held one is
    /// labelled once its listing answers.
    @Test func manyTargetsAreLabelledWithoutOneStarvingTheOthers() async throws {
        let regions = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2"]
        let roles = ["arn:aws:iam::111111111111:role/metrics", "arn:aws:iam::222222222222:role/metrics"]
        let yaml = """
            regions: [\(regions.joined(separator: ", "))]
            role_arns: [\(roles.joined(separator: ", "))]
            max_concurrent_requests: 4
            \(LoadBalancerTagLabelTests.classicRule)
            """
        let config = try ConfigLoader.parse(yaml: yaml, file: "targets.yml").config
        let held = Gate()
        var targets: [AWSTarget: (region: String, apis: AWSAPIs, account: AccountLookup)] = [:]
        var fakes: [AWSTarget: FakeAWS] = [:]
        for (index, target) in config.targets.enumerated() {
            let fleet = (0..<40).map { lb in
                (
                    String(format: "t%02dlb%028d", index, lb),
                    [AWSTag(key: "kubernetes.io/service-name", value: "team-\(index)/svc-\(lb)")]
                )
            }
            let aws = index == 0 ? Self.aws(held, fleet: fleet) : LoadBalancerTagLabelTests.classicAWS(fleet)
            fakes[target] = aws
            targets[target] = (target.region ?? "us-east-1", aws.apis, AccountLookup(known: target.accountFromRole))
        }
        let collector = try CloudWatchCollector.make(config, targets: targets)
        let first = Task { Scrape(families: await collector.scrape(deadline: .now.advanced(by: .seconds(3_600)))) }
        // Every target other than the held one refreshes completely while the held one waits.
        for (target, aws) in fakes where target != config.targets[0] {
            while aws.recorded.describeTags < 2 { await Task.yield() }
        }
        held.open()
        let scrape = await first.value
        #expect(Self.labelled(scrape) == (400, 400))
        #expect(collector.services.allSatisfy { $0.tagCache.snapshot.classic.count == 40 })
    }
}
