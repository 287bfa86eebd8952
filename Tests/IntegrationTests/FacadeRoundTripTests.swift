import AWSCore
import AWSServices
import AWSTestSupport
import Foundation
import Logging
import Synchronization
import Testing

/// Counts observer events by kind.
final class CountingObserver: AWSCallObserver {
    private let counts = Mutex<[String: Int]>([:])

    subscript(_ key: String) -> Int { counts.withLock { $0[key, default: 0] } }

    func awsCallAttempted(service: String, action: String) {
        counts.withLock { $0["attempt \(service) \(action)", default: 0] += 1 }
    }
    func awsCallRetried(service: String, action: String, reason: String) {
        counts.withLock { $0["retry \(service)", default: 0] += 1 }
    }
    func awsCallFailed(service: String, action: String, code: String) {
        counts.withLock { $0["failed \(service) \(code)", default: 0] += 1 }
    }
}

@Suite(.serialized, .heavy) struct FacadeRoundTripTests {
    @Test func facadeAssumesTheConfiguredRoleThroughSTSAndCallsEveryService() async throws {
        try await withMoto { moto in
            let observer = CountingObserver()
            let environment = moto.environment.merging(["HOME": "/nonexistent", "AWS_EC2_METADATA_DISABLED": "true"]) {
                $1
            }
            let client = try await AWSClient.make(
                settings: AWSClientSettings(roleARN: "arn:aws:iam::123456789012:role/metrics-reader"),
                environment: environment,
                transport: moto.transport,
                observer: observer,
                logger: Logger(label: "it")
            )
            #expect(client.region == "us-east-1")
            let metrics = try await client.cloudWatch.listMetrics(ListMetricsInput(namespace: "AWS/ELB"), deadline: nil)
            #expect(metrics.metrics.isEmpty)
            let classic = try await client.elb.describeLoadBalancers(marker: nil, pageSize: nil, deadline: nil)
            #expect(classic.loadBalancers.isEmpty)
            let v2 = try await client.elbv2.describeLoadBalancers(marker: nil, pageSize: nil, deadline: nil)
            #expect(v2.nextMarker == nil)
            let resources = try await client.tagging.getResources(
                GetResourcesInput(),
                deadline: .now.advanced(by: .seconds(20))
            )
            #expect(resources.paginationToken == nil)
            #expect(observer["attempt sts AssumeRole"] == 1)
            #expect(observer["attempt cloudwatch ListMetrics"] == 1)
            #expect(observer["attempt tagging GetResources"] == 1)
        }
    }
}
