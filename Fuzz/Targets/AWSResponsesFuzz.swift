// libFuzzer target: the CloudWatch, ELB, ELBv2 (load balancers and target groups) and Tagging answer decoders
// (AWSClient *Coding), which turn a parsed XML or JSON body into the client's output types, and the target group
// ARN's CloudWatch dimension. Compiled into one module with those AWSClient files, because the decoders are
// internal. Also checks that the streamed GetMetricData and ListMetrics decoders agree with the tree ones.
import AWSCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    if let root = try? XMLReader.parse(bytes) {
        decodeQueryAnswers(root)
    } else if let body = try? JSONValue.parse(bytes) {
        decodeJSONAnswers(body)
    }
    checkStreamedMetricData(bytes)
    checkStreamedListMetrics(bytes)
    return 0
}

/// The GetMetricData answer decoded as it is read must be what the tree decoder makes of the same bytes, or fail
/// where that fails; a difference is a finding.
private func checkStreamedMetricData(_ bytes: [UInt8]) {
    let streamed = try? CloudWatchJSONCoding.getMetricDataOutput(bytes: bytes)
    let tree = (try? JSONValue.parse(bytes)).flatMap { try? CloudWatchJSONCoding.getMetricDataOutput($0) }
    if streamed != tree { fatalError("GetMetricData: the streamed decoder and the tree decoder disagree") }
}

/// The ListMetrics page decoded as it is read (names repeated in a page kept once, sets equal to known ones taken
/// from them) must equal the tree decoder's answer on the same bytes, or fail where that fails, whatever sets are
/// known: none, the page's own (every set reused), or those of a fixed listing; a difference is a finding.
private func checkStreamedListMetrics(_ bytes: [UInt8]) {
    let tree = (try? JSONValue.parse(bytes)).flatMap { try? CloudWatchJSONCoding.listMetricsOutput($0) }
    let known: [KnownDimensionSets?] = [
        nil, KnownDimensionSets(tree?.metrics.map(\.dimensions) ?? []),
        KnownDimensionSets(
            [[], [MetricDimension(name: "LoadBalancer", value: "app/a/1")], [MetricDimension(name: "Name", value: "")]]
        ),
    ]
    for knownSets in known {
        let streamed = try? CloudWatchJSONCoding.listMetricsOutput(bytes: bytes, knownSets: knownSets)
        if streamed != tree { fatalError("ListMetrics: the streamed decoder and the tree decoder disagree") }
    }
}

/// Every Query decoder, on the `<ActionResult>` element as AWSServiceCaller hands it over (or the root).
private func decodeQueryAnswers(_ root: AWSXMLElement) {
    func result(_ action: String) -> AWSXMLElement { root.child("\(action)Result") ?? root }
    _ = CloudWatchQueryCoding.listMetricsOutput(result("ListMetrics"))
    _ = try? CloudWatchQueryCoding.getMetricStatisticsOutput(result("GetMetricStatistics"))
    _ = try? CloudWatchQueryCoding.getMetricDataOutput(result("GetMetricData"))
    _ = LoadBalancerQueryCoding.classicPage(result("DescribeLoadBalancers"))
    _ = LoadBalancerQueryCoding.v2Page(result("DescribeLoadBalancers"))
    // The dimension value of every ARN the target group decoder let through, and of the raw texts it saw.
    let targetGroups = LoadBalancerQueryCoding.targetGroupPage(result("DescribeTargetGroups"))
    for group in targetGroups.targetGroups {
        if let dimension = TargetGroup.dimensionValue(arn: group.arn), !group.arn.hasSuffix(dimension) {
            fatalError("TargetGroup.dimensionValue is not the end of its ARN")
        }
        for arn in group.loadBalancerARNs { _ = TargetGroup.dimensionValue(arn: arn) }
    }
    _ = LoadBalancerQueryCoding.tagDescriptions(result("DescribeTags"), key: "LoadBalancerName")
    _ = LoadBalancerQueryCoding.tagDescriptions(result("DescribeTags"), key: "ResourceArn")
}

/// Every JSON decoder on the whole body.
private func decodeJSONAnswers(_ body: JSONValue) {
    _ = try? CloudWatchJSONCoding.listMetricsOutput(body)
    _ = try? CloudWatchJSONCoding.getMetricStatisticsOutput(body)
    _ = try? CloudWatchJSONCoding.getMetricDataOutput(body)
    _ = try? TaggingJSONCoding.getResourcesOutput(body)
}
