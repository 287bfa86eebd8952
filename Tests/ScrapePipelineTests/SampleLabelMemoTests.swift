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
        target: [(name: String, value: String)] = []
    ) -> (values: [String], derived: Int) {
        let derived = Mutex(0)
        let labels = memo.labels(
            rule: RuleID(MetricRule(awsNamespace: "AWS/ELB", awsMetricName: "RequestCount")),
            stamp: SampleLabelMemo.Stamp(tagVersion: version, targetLabels: target),
            sets: sets
        ) { dimensions in
            derived.withLock { $0 += 1 }
            return [("load_balancer_name", dimensions[0].value), ("version", String(version))]
        }
        return (labels.map { $0.map { "\($0.name)=\($0.value)" }.joined(separator: ",") }, derived.withLock { $0 })
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
}
