import AWSServices
import ConfigFile
import ScrapePipeline
import Testing

/// Which ListMetrics results a rule requests, filter by filter in upstream's order, and the permutation shortcut.
@Suite struct RuleMatcherTests {
    static func matcher(_ extra: String, dimensions: String = "[LoadBalancerName, AvailabilityZone]") throws
        -> RuleMatcher
    {
        let yaml = """
            metrics:
            - aws_namespace: AWS/ELB
              aws_metric_name: RequestCount
              aws_dimensions: \(dimensions)
              aws_statistics: [Sum]
            \(extra)
            """
        return try RuleMatcher(rule: try #require(ConfigLoader.parse(yaml: yaml, file: "m.yml").config.rules.first))
    }

    static func set(_ lb: String, _ zone: String) -> [MetricDimension] {
        [MetricDimension(name: "LoadBalancerName", value: lb), MetricDimension(name: "AvailabilityZone", value: zone)]
    }

    @Test func exactDimensionCountOnly() throws {
        let matcher = try Self.matcher("")
        #expect(matcher.rejection(of: Self.set("a", "z"), taggedResourceIds: nil) == nil)
        #expect(
            matcher.rejection(of: [MetricDimension(name: "LoadBalancerName", value: "a")], taggedResourceIds: nil)
                == .dimensionCount
        )
        #expect(matcher.permutations() == nil)
    }

    @Test func dimensionSelectKeepsListedValues() throws {
        let matcher = try Self.matcher("  aws_dimension_select: {LoadBalancerName: [a, b]}")
        #expect(matcher.rejection(of: Self.set("c", "z"), taggedResourceIds: nil) == .dimensionSelect)
        #expect(matcher.accepts(Self.set("b", "z"), taggedResourceIds: nil))
        // Not every dimension is selected: ListMetrics is still needed.
        #expect(matcher.permutations() == nil)
    }

    @Test func dimensionSelectRegexMatchesWholeValues() throws {
        let matcher = try Self.matcher(
            "  aws_dimension_select_regex: {AvailabilityZone: [\"us-east-1[ab]\", \"eu-.*\"]}"
        )
        #expect(matcher.rejection(of: Self.set("a", "us-east-1c"), taggedResourceIds: nil) == .dimensionSelectRegex)
        // Java's Pattern.matches: the whole value, not a substring.
        #expect(matcher.rejection(of: Self.set("a", "xus-east-1a"), taggedResourceIds: nil) == .dimensionSelectRegex)
        #expect(matcher.accepts(Self.set("a", "us-east-1b"), taggedResourceIds: nil))
        #expect(matcher.accepts(Self.set("a", "eu-west-1a"), taggedResourceIds: nil))
    }

    @Test func theCountIsCheckedBeforeTheFilters() throws {
        let matcher = try Self.matcher("  aws_dimension_select: {LoadBalancerName: [a]}")
        let three = Self.set("c", "z") + [MetricDimension(name: "Extra", value: "x")]
        #expect(matcher.rejection(of: three, taggedResourceIds: nil) == .dimensionCount)
    }

    @Test func tagSelectKeepsOnlyTaggedResources() throws {
        let matcher = try Self.matcher(
            """
              aws_tag_select:
                resource_type_selection: "elasticloadbalancing:loadbalancer"
                resource_id_dimension: LoadBalancerName
                tag_selections: {team: [shop]}
            """
        )
        #expect(matcher.rejection(of: Self.set("a", "z"), taggedResourceIds: ["b"]) == .tagSelect)
        #expect(matcher.accepts(Self.set("b", "z"), taggedResourceIds: ["b"]))
        #expect(matcher.accepts(Self.set("a", "z"), taggedResourceIds: nil))
        #expect(matcher.permutations() == nil)
    }

    @Test func everyDimensionSelectedIsThePermutationShortcutFirstDimensionSlowest() throws {
        let matcher = try Self.matcher(
            """
              aws_dimension_select: {LoadBalancerName: [a, b], AvailabilityZone: [z1, z2]}
            """
        )
        #expect(
            matcher.permutations() == [
                Self.set("a", "z1"), Self.set("a", "z2"), Self.set("b", "z1"), Self.set("b", "z2"),
            ]
        )
    }
}
