import Foundation
import Testing

@testable import KubernetesAPI

/// Hostile or broken answers: errors and skipped objects, never a crash, and the mapping kept.
@Suite struct HostileInputTests {
    typealias Server = FakeKubernetesAPIServer

    static func start(
        _ server: Server,
        configure: @escaping (inout KubernetesDirectoryConfiguration) -> Void = { _ in }
    ) throws -> RunningDirectory {
        try RunningDirectory.start(server: server) {
            $0.watchesTargetGroupBindings = false
            configure(&$0)
        }
    }

    @Test func anOversizedWatchLineIsAnErrorAndTheWatchResumes() async throws {
        let server = try await Server.start()
        ListAndWatchTests.seed(server)
        let running = try Self.start(server) { $0.maximumMessageBytes = 8 * 1024 }
        try await running.directory.waitUntil("Services synced") { $0.serviceStatus.state == .synced }
        try await server.waitForOpenWatches(Server.services)

        // 20 KiB without a newline, sent in pieces as a stream would carry it.
        server.sendRaw(
            Server.services,
            "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"" + String(repeating: "x", count: 20 * 1024)
        )
        let failing = try await running.directory.waitUntil("the line to be refused") {
            $0.serviceStatus.state == .failing
        }
        #expect(failing.serviceStatus.lastError?.contains("larger than 8192 bytes") == true)
        #expect(failing.service(forLoadBalancerDNSName: "web-1.elb.us-east-1.amazonaws.com") != nil)
        // The watch reconnects from the last resourceVersion and follows changes again.
        try await running.directory.waitUntil("synced again") { $0.serviceStatus.state == .synced }
        try await server.waitForOpenWatches(Server.services)
        server.upsert(Server.services, .service("after", "svc", hostnames: ["after.elb.amazonaws.com"]))
        try await running.directory.waitUntil("the next change") {
            $0.service(forLoadBalancerDNSName: "after.elb.amazonaws.com") != nil
        }
        try await running.stop()
    }

    @Test func anOversizedListPageIsAnError() async throws {
        let server = try await Server.start()
        for index in 0..<20 {
            server.upsert(
                Server.services,
                .service("ns", "svc-\(index)", hostnames: ["svc-\(index).elb.amazonaws.com"])
            )
        }
        let running = try Self.start(server) { $0.maximumMessageBytes = 2 * 1024 }
        let snapshot = try await running.directory.waitUntil("the list to be refused") {
            $0.serviceStatus.state == .failing
        }
        #expect(snapshot.serviceStatus.lastError?.contains("list page is larger than 2048 bytes") == true)
        #expect(snapshot.services.isEmpty)
        try await running.stop()
    }

    @Test func garbageWatchLinesAreErrorsOrSkippedNeverCrashes() async throws {
        let server = try await Server.start()
        ListAndWatchTests.seed(server)
        let running = try Self.start(server)
        try await running.directory.waitUntil("Services synced") { $0.serviceStatus.state == .synced }

        // Lines that are not watch events at all: each ends the watch with an error, and it reconnects.
        let broken = [
            "this is not JSON", "[1,2,3]", "{\"type\":5}", "{\"object\":{}}", "\u{0}\u{1}\u{2}", "{\"type\":\"ADDED\"",
        ]
        for (index, line) in broken.enumerated() {
            try await server.waitForOpenWatches(Server.services)
            server.sendRaw(Server.services, line)
            let snapshot = try await running.directory.waitUntil("error \(index + 1)") {
                $0.serviceStatus.state == .failing && ($0.serviceStatus.lastError?.contains("malformed") ?? false)
            }
            #expect(snapshot.services.count == 3, "line \(index)")
            try await running.directory.waitUntil("reconnected after \(index + 1)") {
                $0.serviceStatus.state == .synced
            }
        }

        // Events that are well-formed but useless are skipped, and the watch goes on.
        try await server.waitForOpenWatches(Server.services)
        let skippable = [
            "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":7,\"namespace\":[]}}}",
            "{\"type\":\"MODIFIED\",\"object\":42}",
            "{\"type\":\"DELETED\"}",
            "{\"type\":\"SOMETHING_NEW\",\"object\":{}}",
            "{\"type\":\"ERROR\",\"object\":{\"code\":1e400}}",
        ]
        for line in skippable.dropLast() { server.sendRaw(Server.services, line) }
        server.upsert(Server.services, .service("after", "svc", hostnames: ["after.elb.amazonaws.com"]))
        let snapshot = try await running.directory.waitUntil("the change after the skipped events") {
            $0.service(forLoadBalancerDNSName: "after.elb.amazonaws.com") != nil
        }
        #expect(snapshot.serviceStatus.state == .synced)
        #expect(running.directory.statistics.skippedObjects["services"] == 4)

        // An ERROR event with an unreadable code is an error (not a relist), and the watch resumes.
        server.sendRaw(Server.services, skippable[4])
        let failing = try await running.directory.waitUntil("the ERROR event") { $0.serviceStatus.state == .failing }
        #expect(failing.serviceStatus.lastError?.contains("ERROR event") == true)
        #expect(running.directory.statistics.relists["services"] == nil)
        try await running.stop()
    }

    @Test func hostileListItemsAreSkippedAndTheRestIsKept() async throws {
        let server = try await Server.start()
        server.upsert(Server.services, .service("good", "svc", hostnames: ["good.elb.amazonaws.com"]))
        server.setExtraListItems(
            Server.services,
            [
                "null", "42", "\"text\"", "[]", "{}",
                "{\"metadata\":{\"namespace\":\"x\"}}",
                "{\"metadata\":{\"namespace\":\"x\",\"name\":\"y\"},\"spec\":\"LoadBalancer\"}",
                "{\"metadata\":{\"namespace\":\"x\",\"name\":\"z\"},\"spec\":{\"type\":\"LoadBalancer\"},"
                    + "\"status\":{\"loadBalancer\":{\"ingress\":[{\"hostname\":5},{\"ip\":\"1.2.3.4\"},"
                    + "{\"hostname\":\"z.elb.amazonaws.com\"}]}}}",
            ]
        )
        server.upsert(
            Server.bindings,
            .binding(
                "x",
                "huge-port",
                arn: "arn:aws:elasticloadbalancing:r:1:targetgroup/a/1",
                service: "s",
                port: "1e400"
            )
        )
        server.upsert(
            Server.bindings,
            .binding(
                "x",
                "bad-port",
                arn: "arn:aws:elasticloadbalancing:r:1:targetgroup/b/2",
                service: "s",
                port: "70000"
            )
        )
        server.upsert(
            Server.bindings,
            .binding("x", "no-arn", arn: "", service: "s")
        )
        server.setExtraListItems(Server.bindings, ["{\"metadata\":{\"namespace\":\"x\",\"name\":\"w\"},\"spec\":[]}"])
        let running = try RunningDirectory.start(server: server)
        let snapshot = try await running.directory.waitUntil("both synced", ListAndWatchTests.synced)
        #expect(snapshot.service(forLoadBalancerDNSName: "good.elb.amazonaws.com") != nil)
        // The ingress entry with a numeric hostname is dropped; the other hostname of the same Service is kept.
        #expect(snapshot.service(forLoadBalancerDNSName: "z.elb.amazonaws.com")?.name.name == "z")
        #expect(snapshot.services.count == 2)
        #expect(running.directory.statistics.skippedObjects["services"] == 7)
        // A port beyond Int or outside 0...65535 is no port; the binding itself is kept.
        #expect(snapshot.targetGroupBinding(forTargetGroupDimension: "targetgroup/a/1")?.port == nil)
        #expect(snapshot.targetGroupBinding(forTargetGroupDimension: "targetgroup/b/2")?.port == nil)
        #expect(snapshot.targetGroupBindings.count == 2)
        #expect(running.directory.statistics.skippedObjects["targetgroupbindings"] == 1)
        try await running.stop()
    }

    @Test(arguments: [(403, "Forbidden"), (500, "HTTP 500"), (429, "Too Many Requests")])
    func errorStatusesAreReportedAndRetried(status: Int, words: String) async throws {
        let server = try await Server.start()
        ListAndWatchTests.seed(server)
        server.setForcedListStatus(Server.services, status)
        let running = try Self.start(server)
        let failing = try await running.directory.waitUntil("failing") { $0.serviceStatus.state == .failing }
        #expect(failing.serviceStatus.lastError?.contains(words) == true)
        #expect(failing.serviceStatus.lastError?.contains("forced by the test") == true)  // the server's message

        server.setForcedListStatus(Server.services, nil)
        let synced = try await running.directory.waitUntil("synced after the server recovers") {
            $0.serviceStatus.state == .synced
        }
        #expect(synced.services.count == 3)
        let code = String(status)
        #expect(
            (running.directory.statistics.requests[.init(verb: "list", resource: "services", code: code)] ?? 0) >= 1
        )
        try await running.stop()
    }
}
