public import AWSServices

/// The CloudWatch operations the collector calls; ``CloudWatchClient`` in production, an in-memory fake in tests.
public protocol CloudWatchAPI: Sendable {
    /// One page of ListMetrics.
    func listMetrics(_ input: ListMetricsInput, deadline: ContinuousClock.Instant?) async throws -> ListMetricsOutput
    /// One page of ListMetrics whose sets equal to `knownSets`' are those arrays (see ``KnownDimensionSets``).
    func listMetrics(
        _ input: ListMetricsInput,
        deadline: ContinuousClock.Instant?,
        knownSets: KnownDimensionSets?
    ) async throws -> ListMetricsOutput
    /// One GetMetricStatistics call.
    func getMetricStatistics(
        _ input: GetMetricStatisticsInput,
        deadline: ContinuousClock.Instant?
    ) async throws -> GetMetricStatisticsOutput
    /// One page of GetMetricData.
    func getMetricData(_ input: GetMetricDataInput, deadline: ContinuousClock.Instant?) async throws
        -> GetMetricDataOutput
}

/// The classic ELB operations the tag cache calls.
public protocol ClassicLoadBalancerAPI: Sendable {
    /// One page of DescribeLoadBalancers.
    func describeLoadBalancers(
        marker: String?,
        pageSize: Int?,
        deadline: ContinuousClock.Instant?
    ) async throws -> ClassicLoadBalancerPage
    /// The tags of the named load balancers, in batches of 20.
    func describeTags(loadBalancerNames: [String], deadline: ContinuousClock.Instant?) async throws -> [String:
        [AWSTag]]
}

/// The ELBv2 (ALB, NLB, GWLB) operations the tag cache calls.
public protocol LoadBalancerV2API: Sendable {
    /// One page of DescribeLoadBalancers.
    func describeLoadBalancers(
        marker: String?,
        pageSize: Int?,
        deadline: ContinuousClock.Instant?
    ) async throws -> LoadBalancerV2Page
    /// The tags of the given load balancer or target group ARNs, in batches of 20.
    func describeTags(resourceARNs: [String], deadline: ContinuousClock.Instant?) async throws -> [String: [AWSTag]]
    /// One page of DescribeTargetGroups.
    func describeTargetGroups(
        marker: String?,
        pageSize: Int?,
        deadline: ContinuousClock.Instant?
    ) async throws -> TargetGroupPage
}

/// The Resource Groups Tagging API operation `aws_tag_select` rules call.
public protocol TaggingAPI: Sendable {
    /// One page of GetResources.
    func getResources(_ input: GetResourcesInput, deadline: ContinuousClock.Instant?) async throws -> GetResourcesOutput
}

extension CloudWatchAPI {
    /// An implementation without reuse (an in-memory fake) lists as usual.
    public func listMetrics(
        _ input: ListMetricsInput,
        deadline: ContinuousClock.Instant?,
        knownSets: KnownDimensionSets?
    ) async throws -> ListMetricsOutput {
        try await listMetrics(input, deadline: deadline)
    }
}

extension CloudWatchClient: CloudWatchAPI {}
extension ELBClient: ClassicLoadBalancerAPI {}
extension ELBv2Client: LoadBalancerV2API {}
extension TaggingClient: TaggingAPI {}

/// The AWS APIs one collector uses, bundled so a reload can swap them together.
public struct AWSAPIs: Sendable {
    /// CloudWatch.
    public var cloudWatch: any CloudWatchAPI
    /// Classic ELB.
    public var elb: any ClassicLoadBalancerAPI
    /// ELBv2.
    public var elbv2: any LoadBalancerV2API
    /// Resource Groups Tagging API.
    public var tagging: any TaggingAPI

    /// Bundles the given APIs.
    public init(
        cloudWatch: any CloudWatchAPI,
        elb: any ClassicLoadBalancerAPI,
        elbv2: any LoadBalancerV2API,
        tagging: any TaggingAPI
    ) {
        self.cloudWatch = cloudWatch
        self.elb = elb
        self.elbv2 = elbv2
        self.tagging = tagging
    }

    /// The APIs of a real client.
    public init(client: AWSClient) {
        self.init(cloudWatch: client.cloudWatch, elb: client.elb, elbv2: client.elbv2, tagging: client.tagging)
    }
}
