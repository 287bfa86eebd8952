import Foundation
import NIOCore
import Testing

@testable import KubernetesAPI

/// The small parts: line splitting, backoff, name normalisation, URL parsing and the claim index.
@Suite struct BuildingBlockTests {
    @Test func linesAreSplitAcrossBuffersAndBounded() throws {
        var splitter = BoundedLineSplitter(maximumLineBytes: 10)
        #expect(try splitter.lines(in: ByteBuffer(string: "abc")).isEmpty)
        #expect(
            try splitter.lines(in: ByteBuffer(string: "de\r\n\nfg\nhi")) == [Array("abcde".utf8), Array("fg".utf8)]
        )
        #expect(try splitter.lines(in: ByteBuffer(string: "")).isEmpty)
        #expect(splitter.finish() == Array("hi".utf8))
        #expect(splitter.finish() == nil)

        // Exactly the limit passes; one more byte, in one buffer or across several, does not.
        #expect(try splitter.lines(in: ByteBuffer(string: "0123456789\n")) == [Array("0123456789".utf8)])
        #expect(throws: BoundedLineSplitter.LineTooLong.self) {
            try splitter.lines(in: ByteBuffer(string: "0123456789a\n"))
        }
        var across = BoundedLineSplitter(maximumLineBytes: 10)
        _ = try across.lines(in: ByteBuffer(string: "012345"))
        #expect(throws: BoundedLineSplitter.LineTooLong.self) { try across.lines(in: ByteBuffer(string: "6789ab")) }
    }

    @Test func backoffGrowsIsCappedAndJittered() {
        let backoff = KubernetesBackoff(initialDelay: .seconds(1), maximumDelay: .seconds(60))
        let top: (ClosedRange<Double>) -> Double = { $0.upperBound }
        let bottom: (ClosedRange<Double>) -> Double = { $0.lowerBound }
        #expect(backoff.delay(afterFailures: 1, random: top) == .seconds(1))
        #expect(backoff.delay(afterFailures: 2, random: top) == .seconds(2))
        #expect(backoff.delay(afterFailures: 6, random: top) == .seconds(32))
        #expect(backoff.delay(afterFailures: 7, random: top) == .seconds(60))
        #expect(backoff.delay(afterFailures: Int.max, random: top) == .seconds(60))
        #expect(backoff.delay(afterFailures: 3, random: bottom) == .seconds(2))
        #expect(backoff.delay(afterFailures: 0, random: top) == .seconds(1))
        // A random source that misbehaves cannot push the wait outside [half, whole].
        #expect(backoff.delay(afterFailures: 1, random: { _ in .nan }) == .milliseconds(500))
        #expect(backoff.delay(afterFailures: 1, random: { _ in 1e300 }) == .seconds(1))
        let huge = KubernetesBackoff(initialDelay: .seconds(Int64.max), maximumDelay: .seconds(Int64.max))
        #expect(huge.delay(afterFailures: 100, random: top) == .seconds(86_400))
    }

    @Test func hostnamesAreComparedNormalised() {
        #expect(
            KubernetesHostname.normalized("A1B2.ELB.us-East-1.amazonaws.com.") == "a1b2.elb.us-east-1.amazonaws.com"
        )
        #expect(KubernetesHostname.normalized("plain.example") == "plain.example")
        #expect(KubernetesHostname.normalized(".") == "")
        #expect(KubernetesHostname.normalized("ÄB.example") == "Äb.example")  // only ASCII is folded
    }

    @Test func targetGroupDimensionIsTheARNAfterTheAccount() {
        let binding = KubernetesTargetGroupBinding(
            name: .init(namespace: "n", name: "b"),
            targetGroupARN: "arn:aws-cn:elasticloadbalancing:cn-north-1:123456789012:targetgroup/tg/0123",
            service: .init(namespace: "n", name: "s"),
            port: nil
        )
        #expect(binding.targetGroupDimension == "targetgroup/tg/0123")
        #expect(KubernetesTargetGroupBinding.resourcePart(ofARN: "not-an-arn") == nil)
        #expect(KubernetesTargetGroupBinding.resourcePart(ofARN: "a:b:c:d:e:") == nil)
    }

    @Test func serverURLsAreParsedStrictly() throws {
        #expect(try KubernetesServerURL(parsing: "https://k.example.com").description == "https://k.example.com:443")
        #expect(try KubernetesServerURL(parsing: " https://[::1]:6443/ ").description == "https://[::1]:6443")
        #expect(
            try KubernetesServerURL(parsing: "http://127.0.0.1:8001/prefix/").description
                == "http://127.0.0.1:8001/prefix"
        )
        for bad in [
            "k.example.com", "ftp://k", "https://", "https://user:pw@k.example.com", "https://k:0", "https://k:65536",
            "https://k:+1", "https://[::1", "https://[zz::1]", "https://k?x=1", "https://k/#f", "https://k k",
            "https://[::1]x",
        ] {
            #expect(throws: KubernetesAccessError.self, "\(bad)") { try KubernetesServerURL(parsing: bad) }
        }
        #expect(throws: KubernetesAccessError.self) { try KubernetesAccess(serverURL: "http://10.0.0.1:8080") }
        #expect(try KubernetesAccess(serverURL: "http://localhost:8001").serverURL == "http://localhost:8001")
    }

    @Test func queryValuesArePercentEncoded() {
        #expect(KubernetesHTTPClient.percentEncoded("eyJ2+/=x~_.-") == "eyJ2%2B%2F%3Dx~_.-")
        #expect(KubernetesHTTPClient.percentEncoded("a b&c") == "a%20b%26c")
    }

    @Test func aHostnameClaimedTwiceStaysFoundUntilBothLetGo() {
        var table = ObjectTable<KubernetesService>()
        let first = KubernetesObjectName(namespace: "a", name: "one")
        let second = KubernetesObjectName(namespace: "b", name: "two")
        _ = table.set(first, KubernetesService(name: first, loadBalancerHostnames: ["shared.example"], labels: [:]))
        _ = table.set(second, KubernetesService(name: second, loadBalancerHostnames: ["shared.example"], labels: [:]))
        // The smallest name wins.
        #expect(table.first(claiming: KubernetesHostname.normalized("SHARED.example."))?.name == first)
        let removed = table.set(first, nil)
        #expect(removed)
        #expect(table.first(claiming: "shared.example")?.name == second)
        let removedAgain = table.set(first, nil)
        #expect(!removedAgain)
        let moved = table.set(
            second,
            KubernetesService(name: second, loadBalancerHostnames: ["moved.example"], labels: [:])
        )
        #expect(moved)
        #expect(table.first(claiming: "shared.example") == nil)
        #expect(table.first(claiming: "moved.example")?.name == second)
    }

    @Test func objectsDecodeOnlyTheFieldsKept() throws {
        let decoder = JSONDecoder()
        ServiceResource(labelAllowlist: ["team"]).configure(decoder)
        let json = """
            {"metadata":{"namespace":"n","name":"s","resourceVersion":"7","labels":{"team":"t","other":"o","n":5}},
             "spec":{"type":"LoadBalancer"},"status":{"loadBalancer":{"ingress":[{"hostname":"H.example."},{"hostname":"h.example"}]}}}
            """
        let object = try decoder.decode(ServiceObject.self, from: Data(json.utf8))
        let name = try #require(object.metadata?.objectName)
        let record = try #require(ServiceResource(labelAllowlist: ["team"]).record(of: object, named: name))
        #expect(record.labels == ["team": "t"])
        #expect(record.loadBalancerHostnames == ["h.example"])  // normalised and deduplicated
        #expect(object.metadata?.resourceVersion == "7")

        let line = #"{"type":"BOOKMARK","object":{"kind":"Service","metadata":{"resourceVersion":"12"}}}"#
        let event = try decoder.decode(WatchEventLine<ServiceObject>.self, from: Data(line.utf8)).event
        guard case .bookmark(let resourceVersion) = event else {
            Issue.record("expected a bookmark, got \(event)")
            return
        }
        #expect(resourceVersion == "12")
    }
}
