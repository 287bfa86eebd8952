import AWSCore
import AWSServices
import AWSTestSupport
import Foundation
import ResourceTags
import ScrapePipeline
import ScrapeStatus
import Synchronization
import Telemetry

/// An in-memory AWS for collector tests: each operation answers from a closure and every request is recorded. A
/// call with no handler fails the scrape, as an unmatched Mockito call does upstream.
final class FakeAWS: Sendable {
    struct Handlers: Sendable {
        var listMetrics: (@Sendable (ListMetricsInput) throws -> ListMetricsOutput)?
        var getMetricStatistics: (@Sendable (GetMetricStatisticsInput) async throws -> GetMetricStatisticsOutput)?
        var getMetricData: (@Sendable (GetMetricDataInput) throws -> GetMetricDataOutput)?
        var getResources: (@Sendable (GetResourcesInput) throws -> GetResourcesOutput)?
        var classicLoadBalancers: (@Sendable () throws -> [(String, [AWSTag])])?
        var v2LoadBalancers: (@Sendable () throws -> [(LoadBalancerV2, [AWSTag])])?
        /// Target groups and their tags: DescribeTargetGroups answers them in one page, DescribeTags their tags.
        var targetGroups: (@Sendable () throws -> [(TargetGroup, [AWSTag])])?
        /// Classic load balancers deleted after DescribeLoadBalancers listed them: DescribeTags naming one fails
        /// with `LoadBalancerNotFound`, as ELB answers.
        var deletedClassic: Set<String> = []
        /// When set, DescribeLoadBalancers (both APIs) answers only once the test opens it: a slow listing.
        var loadBalancerListing: Gate?
    }

    struct Calls: Sendable {
        var listMetrics: [ListMetricsInput] = []
        var getMetricStatistics: [GetMetricStatisticsInput] = []
        var getMetricData: [GetMetricDataInput] = []
        var getResources: [GetResourcesInput] = []
        var describeLoadBalancers = 0
        var describeTags = 0
        var inFlight = 0
        var maxInFlight = 0
    }

    let handlers: Mutex<Handlers>
    let calls = Mutex(Calls())

    init(_ handlers: Handlers = Handlers()) { self.handlers = Mutex(handlers) }

    var recorded: Calls { calls.withLock { $0 } }

    var apis: AWSAPIs {
        AWSAPIs(
            cloudWatch: FakeCloudWatch(aws: self),
            elb: FakeELB(aws: self),
            elbv2: FakeELBv2(aws: self),
            tagging: FakeTagging(aws: self)
        )
    }

    static func unexpected(_ operation: String) -> AWSError {
        AWSError(
            kind: .validation,
            service: "fake",
            operation: operation,
            code: "UnexpectedCall",
            message: "no handler"
        )
    }

    func track<T>(_ body: () async throws -> T) async rethrows -> T {
        calls.withLock {
            $0.inFlight += 1
            $0.maxInFlight = max($0.maxInFlight, $0.inFlight)
        }
        defer { calls.withLock { $0.inFlight -= 1 } }
        return try await body()
    }
}

struct FakeCloudWatch: CloudWatchAPI {
    let aws: FakeAWS
    func listMetrics(_ input: ListMetricsInput, deadline: ContinuousClock.Instant?) async throws -> ListMetricsOutput {
        aws.calls.withLock { $0.listMetrics.append(input) }
        guard let handler = aws.handlers.withLock({ $0.listMetrics }) else { throw FakeAWS.unexpected("ListMetrics") }
        return try await aws.track { try handler(input) }
    }
    func getMetricStatistics(
        _ input: GetMetricStatisticsInput,
        deadline: ContinuousClock.Instant?
    ) async throws -> GetMetricStatisticsOutput {
        aws.calls.withLock { $0.getMetricStatistics.append(input) }
        guard let handler = aws.handlers.withLock({ $0.getMetricStatistics }) else {
            throw FakeAWS.unexpected("GetMetricStatistics")
        }
        return try await aws.track { try await handler(input) }
    }
    func getMetricData(_ input: GetMetricDataInput, deadline: ContinuousClock.Instant?) async throws
        -> GetMetricDataOutput
    {
        aws.calls.withLock { $0.getMetricData.append(input) }
        guard let handler = aws.handlers.withLock({ $0.getMetricData }) else {
            throw FakeAWS.unexpected("GetMetricData")
        }
        return try await aws.track { try handler(input) }
    }
}

struct FakeTagging: TaggingAPI {
    let aws: FakeAWS
    func getResources(_ input: GetResourcesInput, deadline: ContinuousClock.Instant?) async throws -> GetResourcesOutput
    {
        aws.calls.withLock { $0.getResources.append(input) }
        guard let handler = aws.handlers.withLock({ $0.getResources }) else { throw FakeAWS.unexpected("GetResources") }
        return try handler(input)
    }
}

/// Classic ELB: pages of 2 so paging is exercised.
struct FakeELB: ClassicLoadBalancerAPI {
    let aws: FakeAWS
    func describeLoadBalancers(
        marker: String?,
        pageSize: Int?,
        deadline: ContinuousClock.Instant?
    ) async throws -> ClassicLoadBalancerPage {
        aws.calls.withLock { $0.describeLoadBalancers += 1 }
        try await aws.handlers.withLock({ $0.loadBalancerListing })?.waitOrCancel()
        guard let handler = aws.handlers.withLock({ $0.classicLoadBalancers }) else {
            throw FakeAWS.unexpected("DescribeLoadBalancers")
        }
        let all = try handler().map(\.0)
        let start = marker.flatMap(Int.init) ?? 0
        let page = Array(all.dropFirst(start).prefix(2))
        let next = start + 2 < all.count ? String(start + 2) : nil
        return ClassicLoadBalancerPage(
            loadBalancers: page.map { ClassicLoadBalancer(name: $0, dnsName: "\($0)-1.us-east-1.elb.amazonaws.com") },
            nextMarker: next
        )
    }
    func describeTags(loadBalancerNames: [String], deadline: ContinuousClock.Instant?) async throws -> [String:
        [AWSTag]]
    {
        aws.calls.withLock { $0.describeTags += 1 }
        guard let handler = aws.handlers.withLock({ $0.classicLoadBalancers }) else {
            throw FakeAWS.unexpected("DescribeTags")
        }
        let deleted = aws.handlers.withLock { $0.deletedClassic }
        if let gone = loadBalancerNames.first(where: deleted.contains) {
            throw AWSError(
                kind: .notFound,
                service: "elb",
                operation: "DescribeTags",
                code: "LoadBalancerNotFound",
                message: "There is no ACTIVE Load Balancer named '\(gone)'"
            )
        }
        return try await aws.track {
            Dictionary(
                try handler().filter { loadBalancerNames.contains($0.0) },
                uniquingKeysWith: { first, _ in first }
            )
        }
    }
}

struct FakeELBv2: LoadBalancerV2API {
    let aws: FakeAWS
    func describeLoadBalancers(
        marker: String?,
        pageSize: Int?,
        deadline: ContinuousClock.Instant?
    ) async throws -> LoadBalancerV2Page {
        aws.calls.withLock { $0.describeLoadBalancers += 1 }
        guard let handler = aws.handlers.withLock({ $0.v2LoadBalancers }) else {
            throw FakeAWS.unexpected("DescribeLoadBalancers")
        }
        return LoadBalancerV2Page(loadBalancers: try handler().map(\.0), nextMarker: nil)
    }
    func describeTags(resourceARNs: [String], deadline: ContinuousClock.Instant?) async throws -> [String: [AWSTag]] {
        aws.calls.withLock { $0.describeTags += 1 }
        let (loadBalancers, targetGroups) = aws.handlers.withLock { ($0.v2LoadBalancers, $0.targetGroups) }
        guard loadBalancers != nil || targetGroups != nil else { throw FakeAWS.unexpected("DescribeTags") }
        let loadBalancerTags = try loadBalancers?().map { ($0.0.arn, $0.1) } ?? []
        let targetGroupTags = try targetGroups?().map { ($0.0.arn, $0.1) } ?? []
        return Dictionary(
            (loadBalancerTags + targetGroupTags).filter { resourceARNs.contains($0.0) },
            uniquingKeysWith: { first, _ in first }
        )
    }
    func describeTargetGroups(
        marker: String?,
        pageSize: Int?,
        deadline: ContinuousClock.Instant?
    ) async throws -> TargetGroupPage {
        guard let handler = aws.handlers.withLock({ $0.targetGroups }) else {
            throw FakeAWS.unexpected("DescribeTargetGroups")
        }
        return TargetGroupPage(targetGroups: try handler().map(\.0), nextMarker: nil)
    }
}
