import AWSServices
import ConfigFile
import Logging
import ResourceTags
import ScrapePipeline
import Telemetry
import Testing

/// Load balancers' DNS names are kept only for the Kubernetes API source, which matches Services by them; a reload
/// that turns the source on does not start from tags kept without them.
@Suite struct TagCacheDNSNameTests {
    static func cache(kubernetes: Bool, initial: LoadBalancerTagSnapshot = LoadBalancerTagSnapshot()) throws
        -> LoadBalancerTagCache
    {
        var config = try ConfigLoader.parse(yaml: LoadBalancerTagLabelTests.classicRule, file: "test.yml").config
        config.kubernetes.enabled = kubernetes
        let plan = try ScrapePlan(config: config) { $0.region }
        let aws = LoadBalancerTagLabelTests.classicAWS([
            ("a1b2c3", [AWSTag(key: "kubernetes.io/service-name", value: "shop/web")])
        ])
        return try plan.tagCache(
            for: #require(plan.targets.first),
            config: config,
            apis: aws.apis,
            initial: initial,
            metrics: SelfMetrics(),
            logger: Logger(label: "test")
        )
    }

    @Test func withoutTheKubernetesSourceDNSNamesAreNotKept() async throws {
        let cache = try Self.cache(kubernetes: false)
        _ = await cache.refresh(until: nil)
        let record = try #require(cache.snapshot.classic["a1b2c3"])
        #expect(record.dnsName == "")
        #expect(record.tags.first?.value == "shop/web")
        #expect(cache.snapshot.lacksDNSNames)
    }

    @Test func withItTheyAreAndAReloadDoesNotStartFromTagsWithout() async throws {
        let without = try Self.cache(kubernetes: false)
        _ = await without.refresh(until: nil)
        let reloaded = try Self.cache(kubernetes: true, initial: without.snapshot)
        #expect(reloaded.snapshot.classic.isEmpty)
        _ = await reloaded.refresh(until: nil)
        #expect(reloaded.snapshot.classic["a1b2c3"]?.dnsName == "a1b2c3-1.us-east-1.elb.amazonaws.com")
        #expect(!reloaded.snapshot.lacksDNSNames)
        // Tags kept with DNS names carry over a reload, with or without the source.
        #expect(try Self.cache(kubernetes: true, initial: reloaded.snapshot).snapshot.classic.count == 1)
    }
}
