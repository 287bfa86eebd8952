// TEMPORARY contract stubs (lead's main only; replaced by the aws-core branch).
import AWSCore
import Foundation
import Logging

public struct AWSClientSettings: Sendable {
    public var region: String?
    public var roleARN: String?
    public var retry: RetryPolicy
    public var requestTimeout: Duration
    public init(region: String? = nil, roleARN: String? = nil, retry: RetryPolicy = .init(), requestTimeout: Duration = .seconds(10)) {
        self.region = region; self.roleARN = roleARN; self.retry = retry; self.requestTimeout = requestTimeout
    }
}
public final class AWSClient: Sendable {
    public static func make(settings: AWSClientSettings, environment: [String: String], transport: any HTTPTransport, observer: any AWSCallObserver, logger: Logger) async throws -> AWSClient { AWSClient() }
    public let region: String = "us-east-1"
    public let cloudWatch = CloudWatchClient()
    public let elb = ELBClient()
    public let elbv2 = ELBv2Client()
    public let tagging = TaggingClient()
}
public struct Dimension: Sendable, Hashable { public var name: String; public var value: String; public init(name: String, value: String) { self.name = name; self.value = value } }
public struct DimensionFilter: Sendable, Hashable { public var name: String; public var value: String?; public init(name: String, value: String? = nil) { self.name = name; self.value = value } }
public struct CloudWatchMetric: Sendable, Hashable { public var namespace: String; public var metricName: String; public var dimensions: [Dimension]; public init(namespace: String, metricName: String, dimensions: [Dimension]) { self.namespace = namespace; self.metricName = metricName; self.dimensions = dimensions } }
public struct ListMetricsInput: Sendable, Hashable { public var namespace: String; public var metricName: String?; public var dimensions: [DimensionFilter]; public var recentlyActive: Bool; public var nextToken: String?
    public init(namespace: String, metricName: String?, dimensions: [DimensionFilter], recentlyActive: Bool, nextToken: String?) { self.namespace = namespace; self.metricName = metricName; self.dimensions = dimensions; self.recentlyActive = recentlyActive; self.nextToken = nextToken } }
public struct ListMetricsOutput: Sendable { public var metrics: [CloudWatchMetric]; public var nextToken: String?; public init(metrics: [CloudWatchMetric], nextToken: String?) { self.metrics = metrics; self.nextToken = nextToken } }
public struct GetMetricStatisticsInput: Sendable, Hashable { public var namespace: String; public var metricName: String; public var dimensions: [Dimension]; public var startTime: Date; public var endTime: Date; public var period: Int; public var statistics: [String]?; public var extendedStatistics: [String]?
    public init(namespace: String, metricName: String, dimensions: [Dimension], startTime: Date, endTime: Date, period: Int, statistics: [String]?, extendedStatistics: [String]?) { self.namespace = namespace; self.metricName = metricName; self.dimensions = dimensions; self.startTime = startTime; self.endTime = endTime; self.period = period; self.statistics = statistics; self.extendedStatistics = extendedStatistics } }
public struct Datapoint: Sendable, Hashable { public var timestamp: Date; public var sampleCount: Double?; public var average: Double?; public var sum: Double?; public var minimum: Double?; public var maximum: Double?; public var unit: String?; public var extendedStatistics: [String: Double]
    public init(timestamp: Date, sampleCount: Double? = nil, average: Double? = nil, sum: Double? = nil, minimum: Double? = nil, maximum: Double? = nil, unit: String? = nil, extendedStatistics: [String: Double] = [:]) { self.timestamp = timestamp; self.sampleCount = sampleCount; self.average = average; self.sum = sum; self.minimum = minimum; self.maximum = maximum; self.unit = unit; self.extendedStatistics = extendedStatistics } }
public struct GetMetricStatisticsOutput: Sendable { public var label: String?; public var datapoints: [Datapoint]; public init(label: String?, datapoints: [Datapoint]) { self.label = label; self.datapoints = datapoints } }
public struct MetricDataQuery: Sendable, Hashable { public var id: String; public var metric: CloudWatchMetric; public var period: Int; public var stat: String; public var label: String?
    public init(id: String, metric: CloudWatchMetric, period: Int, stat: String, label: String?) { self.id = id; self.metric = metric; self.period = period; self.stat = stat; self.label = label } }
public struct GetMetricDataInput: Sendable, Hashable { public var queries: [MetricDataQuery]; public var startTime: Date; public var endTime: Date; public var nextToken: String?
    public init(queries: [MetricDataQuery], startTime: Date, endTime: Date, nextToken: String?) { self.queries = queries; self.startTime = startTime; self.endTime = endTime; self.nextToken = nextToken } }
public struct MetricDataResult: Sendable, Hashable { public var id: String; public var label: String?; public var timestamps: [Date]; public var values: [Double]; public var statusCode: String; public var messages: [String]
    public init(id: String, label: String?, timestamps: [Date], values: [Double], statusCode: String, messages: [String]) { self.id = id; self.label = label; self.timestamps = timestamps; self.values = values; self.statusCode = statusCode; self.messages = messages } }
public struct GetMetricDataOutput: Sendable { public var results: [MetricDataResult]; public var nextToken: String?; public var messages: [String]
    public init(results: [MetricDataResult], nextToken: String?, messages: [String]) { self.results = results; self.nextToken = nextToken; self.messages = messages } }
public struct CloudWatchClient: Sendable {
    public func listMetrics(_ input: ListMetricsInput, deadline: ContinuousClock.Instant?) async throws -> ListMetricsOutput { .init(metrics: [], nextToken: nil) }
    public func getMetricStatistics(_ input: GetMetricStatisticsInput, deadline: ContinuousClock.Instant?) async throws -> GetMetricStatisticsOutput { .init(label: nil, datapoints: []) }
    public func getMetricData(_ input: GetMetricDataInput, deadline: ContinuousClock.Instant?) async throws -> GetMetricDataOutput { .init(results: [], nextToken: nil, messages: []) }
}
public struct AWSTag: Sendable, Hashable { public var key: String; public var value: String; public init(key: String, value: String) { self.key = key; self.value = value } }
public struct ClassicLoadBalancer: Sendable, Hashable { public var name: String; public var dnsName: String?; public init(name: String, dnsName: String?) { self.name = name; self.dnsName = dnsName } }
public struct ClassicLoadBalancerPage: Sendable { public var loadBalancers: [ClassicLoadBalancer]; public var nextMarker: String?; public init(loadBalancers: [ClassicLoadBalancer], nextMarker: String?) { self.loadBalancers = loadBalancers; self.nextMarker = nextMarker } }
public struct LoadBalancerV2: Sendable, Hashable { public var arn: String; public var name: String; public var type: String; public var dnsName: String?; public init(arn: String, name: String, type: String, dnsName: String?) { self.arn = arn; self.name = name; self.type = type; self.dnsName = dnsName } }
public struct LoadBalancerV2Page: Sendable { public var loadBalancers: [LoadBalancerV2]; public var nextMarker: String?; public init(loadBalancers: [LoadBalancerV2], nextMarker: String?) { self.loadBalancers = loadBalancers; self.nextMarker = nextMarker } }
public struct ELBClient: Sendable {
    public func describeLoadBalancers(marker: String?, pageSize: Int?, deadline: ContinuousClock.Instant?) async throws -> ClassicLoadBalancerPage { .init(loadBalancers: [], nextMarker: nil) }
    public func describeTags(loadBalancerNames: [String], deadline: ContinuousClock.Instant?) async throws -> [String: [AWSTag]] { [:] }
}
public struct ELBv2Client: Sendable {
    public func describeLoadBalancers(marker: String?, pageSize: Int?, deadline: ContinuousClock.Instant?) async throws -> LoadBalancerV2Page { .init(loadBalancers: [], nextMarker: nil) }
    public func describeTags(resourceARNs: [String], deadline: ContinuousClock.Instant?) async throws -> [String: [AWSTag]] { [:] }
}
public struct TagFilter: Sendable, Hashable { public var key: String; public var values: [String]; public init(key: String, values: [String]) { self.key = key; self.values = values } }
public struct GetResourcesInput: Sendable, Hashable { public var resourceTypeFilters: [String]; public var tagFilters: [TagFilter]; public var paginationToken: String?; public var resourcesPerPage: Int?
    public init(resourceTypeFilters: [String], tagFilters: [TagFilter], paginationToken: String?, resourcesPerPage: Int?) { self.resourceTypeFilters = resourceTypeFilters; self.tagFilters = tagFilters; self.paginationToken = paginationToken; self.resourcesPerPage = resourcesPerPage } }
public struct ResourceTagMapping: Sendable, Hashable { public var resourceARN: String; public var tags: [AWSTag]; public init(resourceARN: String, tags: [AWSTag]) { self.resourceARN = resourceARN; self.tags = tags } }
public struct GetResourcesOutput: Sendable { public var mappings: [ResourceTagMapping]; public var paginationToken: String?; public init(mappings: [ResourceTagMapping], paginationToken: String?) { self.mappings = mappings; self.paginationToken = paginationToken } }
public struct TaggingClient: Sendable {
    public func getResources(_ input: GetResourcesInput, deadline: ContinuousClock.Instant?) async throws -> GetResourcesOutput { .init(mappings: [], paginationToken: nil) }
}
