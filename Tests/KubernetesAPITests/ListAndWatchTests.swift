import Foundation
import Testing

@testable import KubernetesAPI

/// The list-then-watch protocol against the fake API server, over real HTTP on loopback.
@Suite struct ListAndWatchTests {
    typealias Server = FakeKubernetesAPIServer

    static let arnA =
        "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/k8s-default-web-0123456789/73e2d6bc24d8a067"
    static let arnB =
        "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/k8s-shop-api-abcdef0123/1a2b3c4d5e6f7a8b"

    /// Five Services (three load balancers with hostnames, one ClusterIP, one pending) and two bindings.
    static func seed(_ server: Server) {
        server.upsert(Server.services, .service("default", "web", hostnames: ["web-1.elb.us-east-1.amazonaws.com"]))
        server.upsert(
            Server.services,
            .service(
                "shop",
                "api",
                hostnames: ["K8S-SHOP-API-0123.elb.us-east-1.amazonaws.com.", "second.example.com"],
                labels: ["team": "payments", "app.kubernetes.io/name": "api", "unlisted": "dropped"]
            )
        )
        server.upsert(Server.services, .service("shop", "cart", hostnames: ["cart.elb.amazonaws.com"]))
        server.upsert(
            Server.services,
            .service(
                "shop",
                "internal",
                type: "ClusterIP",
                hostnames: ["stale.elb.amazonaws.com"],
                labels: ["team": "core"]
            )
        )
        server.upsert(Server.services, .service("default", "pending"))
        server.upsert(Server.bindings, .binding("default", "web-tgb", arn: arnA, service: "web", port: "80"))
        server.upsert(Server.bindings, .binding("shop", "api-tgb", arn: arnB, service: "api", port: "\"http\""))
    }

    static func synced(_ snapshot: KubernetesDirectorySnapshot) -> Bool {
        snapshot.serviceStatus.state == .synced && snapshot.targetGroupBindingStatus.state == .synced
    }

    @Test func initialPagedListBuildsTheMapping() async throws {
        let server = try await Server.start()
        Self.seed(server)
        let running = try RunningDirectory.start(server: server) {
            $0.pageSize = 2
            $0.serviceLabelAllowlist = ["team", "app.kubernetes.io/name"]
        }
        let snapshot = try await running.directory.waitUntil("both resources synced", Self.synced)

        #expect(
            snapshot.service(forLoadBalancerDNSName: "web-1.elb.us-east-1.amazonaws.com")?.name.description
                == "default/web"
        )
        // Case-insensitive, trailing dot ignored on either side.
        #expect(
            snapshot.service(forLoadBalancerDNSName: "k8s-shop-api-0123.elb.us-east-1.amazonaws.com")?.name.name
                == "api"
        )
        #expect(snapshot.service(forLoadBalancerDNSName: "SECOND.example.com.")?.name.name == "api")
        #expect(snapshot.service(forLoadBalancerDNSName: "cart.elb.amazonaws.com")?.name.namespace == "shop")
        // A ClusterIP Service's stale hostname does not map; its allowlisted labels are still kept.
        #expect(snapshot.service(forLoadBalancerDNSName: "stale.elb.amazonaws.com") == nil)
        #expect(snapshot.labels(of: .init(namespace: "shop", name: "internal")) == ["team": "core"])
        #expect(snapshot.service(named: .init(namespace: "default", name: "pending")) == nil)
        #expect(
            snapshot.labels(of: .init(namespace: "shop", name: "api"))
                == ["team": "payments", "app.kubernetes.io/name": "api"]
        )
        #expect(snapshot.services.count == 4)

        let web = try #require(snapshot.targetGroupBinding(forTargetGroupARN: Self.arnA))
        #expect(web.service == KubernetesObjectName(namespace: "default", name: "web"))
        #expect(web.port == .number(80))
        let api = try #require(
            snapshot.targetGroupBinding(forTargetGroupDimension: "targetgroup/k8s-shop-api-abcdef0123/1a2b3c4d5e6f7a8b")
        )
        #expect(api.service == KubernetesObjectName(namespace: "shop", name: "api"))
        #expect(api.port == .name("http"))
        #expect(snapshot.targetGroupBinding(forTargetGroupARN: Self.arnA + "0") == nil)
        #expect(snapshot.serviceStatus.objectCount == 4)
        #expect(snapshot.targetGroupBindingStatus.objectCount == 2)

        // Three pages of two for five Services, then a watch from the list's resourceVersion.
        let requests = try await server.waitUntil("the Services watch") { requests in
            requests.contains { $0.path == Server.services && $0.isWatch }
        }
        let serviceLists = requests.filter { $0.path == Server.services && !$0.isWatch }
        #expect(serviceLists.map { $0.query["limit"] } == ["2", "2", "2"])
        #expect(serviceLists.map { $0.query["continue"] != nil } == [false, true, true])
        let watch = try #require(requests.first { $0.path == Server.services && $0.isWatch })
        #expect(watch.query["allowWatchBookmarks"] == "true")
        #expect(watch.query["timeoutSeconds"] == "450")  // the middle of 300...600 with the test's random value
        #expect(watch.query["resourceVersion"] == String(server.currentResourceVersion))
        #expect(requests.allSatisfy { $0.authorization == "Bearer test-token" })
        let statistics = running.directory.statistics
        #expect(statistics.requestCount(verb: "list", resource: "services") == 3)
        #expect(statistics.requests[.init(verb: "list", resource: "targetgroupbindings", code: "200")] == 1)
        try await running.stop()
    }

    @Test func followsAddsChangesAndDeletes() async throws {
        let server = try await Server.start()
        Self.seed(server)
        let running = try RunningDirectory.start(server: server)
        try await running.directory.waitUntil("both resources synced", Self.synced)
        try await server.waitForOpenWatches(Server.services)
        try await server.waitForOpenWatches(Server.bindings)

        server.upsert(Server.services, .service("new", "svc", hostnames: ["new.elb.amazonaws.com"]))
        try await running.directory.waitUntil("the added Service") {
            $0.service(forLoadBalancerDNSName: "new.elb.amazonaws.com") != nil
        }

        server.upsert(Server.services, .service("new", "svc", hostnames: ["renamed.elb.amazonaws.com"]))
        var snapshot = try await running.directory.waitUntil("the changed hostname") {
            $0.service(forLoadBalancerDNSName: "renamed.elb.amazonaws.com") != nil
        }
        #expect(snapshot.service(forLoadBalancerDNSName: "new.elb.amazonaws.com") == nil)

        server.upsert(
            Server.services,
            .service("new", "svc", type: "NodePort", hostnames: ["renamed.elb.amazonaws.com"])
        )
        snapshot = try await running.directory.waitUntil("the type change away from LoadBalancer") {
            $0.service(forLoadBalancerDNSName: "renamed.elb.amazonaws.com") == nil
        }
        #expect(snapshot.service(named: .init(namespace: "new", name: "svc")) == nil)

        server.delete(Server.services, namespace: "shop", name: "cart")
        try await running.directory.waitUntil("the deleted Service") {
            $0.service(forLoadBalancerDNSName: "cart.elb.amazonaws.com") == nil
        }

        server.upsert(Server.bindings, .binding("default", "web-tgb", arn: Self.arnA, service: "web-v2", port: "8080"))
        snapshot = try await running.directory.waitUntil("the changed serviceRef") {
            $0.targetGroupBinding(forTargetGroupARN: Self.arnA)?.service.name == "web-v2"
        }
        #expect(snapshot.targetGroupBinding(forTargetGroupARN: Self.arnA)?.port == .number(8080))

        server.delete(Server.bindings, namespace: "shop", name: "api-tgb")
        snapshot = try await running.directory.waitUntil("the deleted binding") {
            $0.targetGroupBinding(forTargetGroupARN: Self.arnB) == nil
        }
        #expect(snapshot.targetGroupBindings.count == 1)

        // A change of fields the directory does not keep leaves the version alone: only the next real change moves it.
        let before = snapshot.version
        server.upsert(
            Server.services,
            .service("default", "web", hostnames: ["web-1.elb.us-east-1.amazonaws.com"], labels: ["unlisted": "x"])
        )
        server.upsert(Server.services, .service("other", "svc", hostnames: ["other.elb.amazonaws.com"]))
        snapshot = try await running.directory.waitUntil("the next real change") {
            $0.service(forLoadBalancerDNSName: "other.elb.amazonaws.com") != nil
        }
        #expect(snapshot.version == before + 1)
        try await running.stop()
    }

    @Test func bookmarkMovesTheResourceVersionUsedOnReconnect() async throws {
        let server = try await Server.start()
        Self.seed(server)
        let running = try RunningDirectory.start(server: server) { $0.watchesTargetGroupBindings = false }
        try await running.directory.waitUntil("Services synced") { $0.serviceStatus.state == .synced }
        try await server.waitForOpenWatches(Server.services)
        let firstWatch = try #require(server.requests.first { $0.isWatch })

        let bookmarked = server.bookmark(Server.services)
        server.endWatches()
        let requests = try await server.waitUntil("a second watch") { $0.filter(\.isWatch).count >= 2 }
        let secondWatch = try #require(requests.filter(\.isWatch).last)
        #expect(firstWatch.query["resourceVersion"] != String(bookmarked))
        #expect(secondWatch.query["resourceVersion"] == String(bookmarked))
        // The watch was simply reopened: no second list.
        #expect(requests.filter { !$0.isWatch }.count == 1)
        #expect(running.directory.statistics.watchRestarts["services"] == 1)
        #expect(running.directory.statistics.relists["services"] == nil)
        #expect(running.directory.snapshot.targetGroupBindingStatus.state == .disabled)
        try await running.stop()
    }

    @Test func expiredResourceVersionRelistsAndSeesADeletionMadeWhileAway() async throws {
        let server = try await Server.start()
        Self.seed(server)
        let running = try RunningDirectory.start(server: server) { $0.watchesTargetGroupBindings = false }
        try await running.directory.waitUntil("Services synced") {
            $0.serviceStatus.state == .synced && $0.service(forLoadBalancerDNSName: "cart.elb.amazonaws.com") != nil
        }
        try await server.waitForOpenWatches(Server.services)

        await server.stop()
        try await running.directory.waitUntil("the failure to be seen") { $0.serviceStatus.state == .failing }
        server.delete(Server.services, namespace: "shop", name: "cart")
        server.compact()  // the history since the client's resourceVersion is gone: its watch gets ERROR 410
        try await server.restart()

        let snapshot = try await running.directory.waitUntil("the relist without the deleted Service") {
            $0.service(forLoadBalancerDNSName: "cart.elb.amazonaws.com") == nil && $0.serviceStatus.state == .synced
        }
        #expect(snapshot.service(forLoadBalancerDNSName: "web-1.elb.us-east-1.amazonaws.com") != nil)
        #expect(running.directory.statistics.relists["services"] == 1)
        let lists = server.requests.filter { !$0.isWatch && $0.status == 200 }
        #expect(lists.count == 2)
        try await running.stop()
    }

    @Test func errorEvent410WhileWatchingRelists() async throws {
        let server = try await Server.start()
        Self.seed(server)
        let running = try RunningDirectory.start(server: server) { $0.watchesTargetGroupBindings = false }
        try await running.directory.waitUntil("Services synced") { $0.serviceStatus.state == .synced }
        try await server.waitForOpenWatches(Server.services)

        server.sendError(Server.services, code: 410)
        let requests = try await server.waitUntil("a second list") { requests in
            requests.filter { !$0.isWatch && $0.status == 200 }.count == 2
        }
        #expect(requests.filter(\.isWatch).count == 1)
        try await running.directory.waitUntil("one relist counted") { _ in
            running.directory.statistics.relists["services"] == 1
        }
        try await running.stop()
    }

    @Test func anHTTP410AnswerToAWatchRelistsAndAnHTTP500IsAFailure() async throws {
        let server = try await Server.start()
        Self.seed(server)
        let running = try RunningDirectory.start(server: server) { $0.watchesTargetGroupBindings = false }
        try await running.directory.waitUntil("Services synced") { $0.serviceStatus.state == .synced }
        try await server.waitForOpenWatches(Server.services)

        server.forceWatchStatuses(Server.services, [500, 410])
        server.endWatches()
        let requests = try await server.waitUntil("a relist after the 410, then a watch") { requests in
            requests.filter { !$0.isWatch }.count == 2 && requests.last?.isWatch == true
        }
        // The watch that failed with 500 was retried from the same resourceVersion; the 410 made it list again.
        #expect(requests.filter(\.isWatch).map(\.status).prefix(3) == [200, 500, 410])
        let watches = requests.filter(\.isWatch)
        #expect(watches[1].query["resourceVersion"] == watches[0].query["resourceVersion"])
        let snapshot = try await running.directory.waitUntil("synced again") { $0.serviceStatus.state == .synced }
        #expect(snapshot.serviceStatus.lastError?.contains("watch services: HTTP 500") == true)
        #expect(running.directory.statistics.relists["services"] == 1)
        try await running.stop()
    }

    @Test func keepsTheMappingWhileTheServerIsAwayAndSaysSinceWhen() async throws {
        let server = try await Server.start()
        Self.seed(server)
        let timing = TestTiming()
        let running = try RunningDirectory.start(server: server, timing: timing)
        let synced = try await running.directory.waitUntil("both resources synced", Self.synced)
        try await server.waitForOpenWatches(Server.services)
        #expect(synced.serviceStatus.syncedSince == timing.now)

        timing.advance(30)
        await server.stop()
        let failing = try await running.directory.waitUntil("failing") { $0.serviceStatus.state == .failing }
        #expect(failing.serviceStatus.failingSince == timing.now)
        #expect(failing.serviceStatus.syncedSince == nil)
        #expect(failing.serviceStatus.lastError?.isEmpty == false)
        #expect(failing.serviceStatus.lastError?.contains("test-token") == false)
        #expect(failing.service(forLoadBalancerDNSName: "web-1.elb.us-east-1.amazonaws.com") != nil)
        #expect(failing.targetGroupBinding(forTargetGroupARN: Self.arnA) != nil)
        // Failing goes on with backoff, and the first failure time stays.
        let failingSince = failing.serviceStatus.failingSince
        timing.advance(30)
        try await running.directory.waitUntil("a later failure") {
            ($0.serviceStatus.lastErrorAt ?? .distantPast) > (failingSince ?? .distantFuture)
        }
        #expect(running.directory.snapshot.serviceStatus.failingSince == failingSince)

        try await server.restart()
        let recovered = try await running.directory.waitUntil("synced again", Self.synced)
        #expect(recovered.serviceStatus.failingSince == nil)
        #expect(recovered.serviceStatus.syncedSince == timing.now)
        #expect(recovered.serviceStatus.lastError != nil)  // kept for the status page
        #expect(recovered.service(forLoadBalancerDNSName: "web-1.elb.us-east-1.amazonaws.com") != nil)
        // Backoff grew between failures (the test's sleeps are recorded, not waited for).
        let backoffs = timing.sleeps.filter { $0 >= .milliseconds(500) }
        #expect(backoffs.count >= 2)
        #expect(backoffs.allSatisfy { $0 <= .seconds(60) })
        try await running.stop()
    }

    @Test func absentTargetGroupBindingCRDLeavesServicesWorking() async throws {
        let server = try await Server.start()
        Self.seed(server)
        server.setInstalled(Server.bindings, false)
        let timing = TestTiming(holdAtLeast: .seconds(600))
        let running = try RunningDirectory.start(server: server, timing: timing)
        let snapshot = try await running.directory.waitUntil("Services synced, bindings not installed") {
            $0.serviceStatus.state == .synced && $0.targetGroupBindingStatus.state == .notInstalled
        }
        #expect(snapshot.service(forLoadBalancerDNSName: "web-1.elb.us-east-1.amazonaws.com") != nil)
        #expect(snapshot.targetGroupBindingStatus.notInstalledSince == timing.now)
        #expect(snapshot.targetGroupBindingStatus.lastError == nil)
        #expect(snapshot.targetGroupBindings.isEmpty)
        try await withSafetyTimeout("the not-installed retry to be scheduled") { await timing.waitUntilASleepIsHeld() }
        #expect(timing.sleeps.contains(.seconds(600)))

        // The CRD is installed later: the retry finds it.
        server.setInstalled(Server.bindings, true)
        timing.releaseHeldSleeps()
        let installed = try await running.directory.waitUntil("bindings synced") {
            $0.targetGroupBindingStatus.state == .synced
        }
        #expect(installed.targetGroupBinding(forTargetGroupARN: Self.arnA)?.service.name == "web")
        #expect(installed.targetGroupBindingStatus.notInstalledSince == nil)
        #expect(running.directory.statistics.relists["targetgroupbindings"] == 1)
        try await running.stop()
    }

    @Test func expiredContinueTokenRestartsTheList() async throws {
        let server = try await Server.start()
        Self.seed(server)
        server.expireContinueTokens(count: 1)
        let running = try RunningDirectory.start(server: server) {
            $0.pageSize = 2
            $0.watchesTargetGroupBindings = false
        }
        let snapshot = try await running.directory.waitUntil("Services synced") { $0.serviceStatus.state == .synced }
        #expect(snapshot.services.count == 3)
        let lists = server.requests.filter { !$0.isWatch }
        // Page 1, page 2 (410), then pages 1–3 again.
        #expect(lists.map(\.status) == [200, 410, 200, 200, 200])
        #expect(lists.map { $0.query["continue"] == nil } == [true, false, true, false, false])
        #expect(snapshot.serviceStatus.lastError == nil)
        try await running.stop()
    }

    @Test func cancellationEndsRunAndASecondRunReturnsAtOnce() async throws {
        let server = try await Server.start()
        Self.seed(server)
        let running = try RunningDirectory.start(server: server)
        try await running.directory.waitUntil("both resources synced", Self.synced)
        try await server.waitForOpenWatches(Server.services)
        try await server.waitForOpenWatches(Server.bindings)

        // While the first run() is going, a second one returns at once without sending anything.
        let requestsBefore = server.requests.count
        try await withSafetyTimeout("a second run() to return") { await running.directory.run() }
        #expect(server.requests.count == requestsBefore)

        try await running.stop()
        // The watches' connections were closed when run() returned: nothing is left streaming.
        let observation = try await withSafetyTimeout("the watch connections to close") {
            await server.waitForObservation { $0.openWatches.values.allSatisfy { $0 == 0 } }
        }
        #expect(observation.openWatches.values.allSatisfy { $0 == 0 })
    }
}
