import AWSServices
import ConfigFile
import ResourceTags
import ScrapeStatus
import Synchronization
import Telemetry
import Testing

@testable import ScrapePipeline

/// Sample labels are derived once per dimension set while what they derive from is unchanged, again when it
/// changes, and only the last scrape's sets are kept.
@Suite struct SampleLabelMemoTests {
    static func set(_ value: String) -> [MetricDimension] { [MetricDimension(name: "LoadBalancerName", value: value)] }

    /// Labels of `sets` for `stamp`, counting how many were derived.
    static func labels(
        _ memo: SampleLabelMemo,
        _ sets: [[MetricDimension]],
        version: UInt64,
        target: [(name: String, value: String)] = [],
        metric: String = "RequestCount",
        scope: SampleLabelMemo.Scope? = nil
    ) -> (values: [String], derived: Int, arrays: [[(name: String, value: String)]]) {
        let derived = Mutex(0)
        let labels = memo.labels(
            rule: RuleID(MetricRule(awsNamespace: "AWS/ELB", awsMetricName: metric)),
            scope: scope,
            stamp: SampleLabelMemo.Stamp(tagVersion: version, targetLabels: target),
            sets: sets
        ) { dimensions in
            derived.withLock { $0 += 1 }
            return [("load_balancer_name", dimensions[0].value), ("version", String(version))]
        }
        return (
            labels.map { $0.map { "\($0.name)=\($0.value)" }.joined(separator: ",") }, derived.withLock { $0 }, labels
        )
    }

    @Test func derivedOncePerSetWhileTheStampHolds() {
        let memo = SampleLabelMemo()
        let sets = ["a", "b", "c"].map(Self.set)
        #expect(Self.labels(memo, sets, version: 1).derived == 3)
        let again = Self.labels(memo, sets, version: 1)
        #expect(again.derived == 0)
        #expect(
            again.values == [
                "load_balancer_name=a,version=1", "load_balancer_name=b,version=1",
                "load_balancer_name=c,version=1",
            ]
        )
    }

    @Test func aNewTagVersionOrTargetLabelDerivesAgain() {
        let memo = SampleLabelMemo()
        let sets = ["a", "b"].map(Self.set)
        _ = Self.labels(memo, sets, version: 1)
        let refreshed = Self.labels(memo, sets, version: 2)
        #expect(refreshed.derived == 2)
        #expect(refreshed.values.allSatisfy { $0.hasSuffix("version=2") })
        #expect(Self.labels(memo, sets, version: 2, target: [("region", "eu-west-1")]).derived == 2)
    }

    @Test func onlyTheLastScrapesSetsAreKept() {
        let memo = SampleLabelMemo()
        _ = Self.labels(memo, ["a", "b", "c"].map(Self.set), version: 1)
        // "b" and "c" disappear, "d" appears: one derivation.
        #expect(Self.labels(memo, ["a", "d"].map(Self.set), version: 1).derived == 1)
        // "b" was let go of: deriving it again shows the memo did not keep it.
        #expect(Self.labels(memo, ["a", "b"].map(Self.set), version: 1).derived == 1)
    }

    static let scope = SampleLabelMemo.Scope(
        target: AWSTarget(region: "us-east-1", roleARN: nil),
        namespace: "AWS/ELB",
        tagLabels: TagLabelSettings()
    )

    /// Whether two label arrays are one array (the same storage).
    static func shared(_ left: [(name: String, value: String)], _ right: [(name: String, value: String)]) -> Bool {
        left.withUnsafeBufferPointer { l in right.withUnsafeBufferPointer { r in l.baseAddress == r.baseAddress } }
    }

    @Test func rulesOfOneScopeShareEachSetsLabelsOnce() {
        let memo = SampleLabelMemo()
        let sets = ["a", "b"].map(Self.set)
        let requests = Self.labels(memo, sets, version: 1, scope: Self.scope)
        let latency = Self.labels(memo, sets, version: 1, metric: "Latency", scope: Self.scope)
        #expect(requests.derived == 2)
        #expect(latency.derived == 0)
        #expect(latency.values == requests.values)
        #expect(zip(requests.arrays, latency.arrays).allSatisfy { Self.shared($0, $1) })
        // Each array is as long as its labels (no room left from appending).
        #expect(requests.arrays.allSatisfy { $0.capacity == $0.count })
        // Another tag snapshot: nothing is shared with labels of the old one.
        #expect(Self.labels(memo, sets, version: 2, metric: "Latency", scope: Self.scope).derived == 2)
        // Without a scope (rules that may derive differently) nothing is shared.
        #expect(Self.labels(SampleLabelMemo(), sets, version: 1).derived == 2)
    }

    /// Through the collector: two rules, sets that disappear from the listing leave the memo of both.
    @Test func setsNoLongerListedLeaveTheMemoOfEveryRule() async throws {
        let fleet = LoadBalancerFleet(["a", "b", "c"].map { (String(repeating: $0, count: 32), []) })
        let yaml =
            LoadBalancerTagLabelTests.classicRule + """

                - aws_namespace: AWS/ELB
                  aws_metric_name: Latency
                  aws_dimensions: [LoadBalancerName]
                  aws_statistics: [Average]
                """
        let harness = try CollectorHarness(yaml, aws: LoadBalancerTagLabelTests.fleetAWS(fleet))
        _ = await harness.scrape()
        #expect(harness.collector.caches.labels.setCount == 6)
        fleet.set([(String(repeating: "a", count: 32), [])])
        _ = await harness.scrape()
        #expect(harness.collector.caches.labels.setCount == 2)
        #expect(harness.collector.store.seriesCount == 2)
    }
}
