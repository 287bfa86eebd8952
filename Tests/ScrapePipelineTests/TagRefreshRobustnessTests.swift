import AWSServices
import Foundation
import ResourceTags
import ScrapePipeline
import ScrapeStatus
import Telemetry
import Testing

/// The tag refresh against a fleet that changes while it runs.
@Suite struct TagRefreshRobustnessTests {
    static let fleet: [(String, [AWSTag])] = (0..<45).map { index in
        (
            String(format: "lb%030d", index),
            [AWSTag(key: "kubernetes.io/service-name", value: "bulk/svc-\(index)")]
        )
    }

    /// A load balancer deleted between DescribeLoadBalancers and DescribeTags fails its batch of 20 with
    /// `LoadBalancerNotFound`; only that load balancer may go missing, not the refresh.
    @Test func aLoadBalancerDeletedDuringTheRefreshIsLeftOutAlone() async throws {
        let deleted = Self.fleet[25].0
        let aws = FakeAWS(
            .init(classicLoadBalancers: { Self.fleet }, deletedClassic: [deleted])
        )
        let harness = try CollectorHarness(LoadBalancerTagLabelTests.classicRule, aws: aws)
        await harness.refreshTags()
        let snapshot = harness.collector.tagCache.snapshot
        #expect(snapshot.classic.count == 44)
        #expect(snapshot.classic[deleted] == nil)
        #expect(snapshot.classic[Self.fleet[24].0]?.tags == Self.fleet[24].1)
        #expect(snapshot.classic[Self.fleet[44].0]?.tags == Self.fleet[44].1)
        #expect(snapshot.classicRefreshedAt != nil)
        #expect(harness.metrics.value(.tagRefreshErrors, labels: ["service": "elb"]) == 0)
        // 3 batches of 20, and the failed batch asked again one by one.
        #expect(aws.recorded.describeTags == 3 + 20)
    }

    @Test func describeTagsIsAskedInBatchesOfTwenty() async throws {
        let aws = FakeAWS(.init(classicLoadBalancers: { Self.fleet }))
        let harness = try CollectorHarness(LoadBalancerTagLabelTests.classicRule, aws: aws)
        await harness.refreshTags()
        #expect(aws.recorded.describeTags == 3)
        #expect(harness.collector.tagCache.snapshot.classic.count == 45)
    }
}
