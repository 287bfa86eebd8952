import AWSCore
import AWSServices
import ConfigFile
import Foundation
import Logging
import ResourceTags
import ScrapePipeline
import ScrapeStatus
import Telemetry
import Testing

@testable import ExporterServer

/// A transport that must never be used: building clients and reloading make no AWS calls.
private struct NoNetwork: HTTPTransport {
    func send(_ request: HTTPRequest, timeout: Duration) async throws -> HTTPResponse {
        Issue.record("unexpected request to \(request.url)")
        return HTTPResponse(status: 500)
    }
}

@Suite struct ReloadTests {
    static func rules(region: String, extra: String = "") -> String {
        "region: \(region)\n\(extra)metrics:\n- aws_namespace: AWS/ELB\n  aws_metric_name: RequestCount\n"
    }

    static func state(_ yaml: String, file: URL) async throws -> ExporterState {
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        let factory = RuntimeFactory(
            environment: ["AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret"],
            transport: NoNetwork(),
            metrics: SelfMetrics(),
            logger: Logger(label: "test")
        )
        let config = try ConfigLoader.load(path: file.path).config
        return ExporterState(
            initial: try await factory.make(config: config, previous: nil),
            configPath: file.path,
            factory: factory
        )
    }

    @Test func regionChangeBuildsANewClientAndUnchangedSettingsKeepIt() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("reload-\(UUID()).yml")
        defer { try? FileManager.default.removeItem(at: file) }
        let state = try await Self.state(Self.rules(region: "us-east-1"), file: file)
        let first = state.current

        try Self.rules(region: "us-east-1", extra: "period_seconds: 120\n").write(
            to: file,
            atomically: true,
            encoding: .utf8
        )
        try await state.reload()
        #expect(state.current !== first)
        #expect(state.current.client === first.client)
        #expect(state.current.collector.tagCache === first.collector.tagCache)
        #expect(state.current.config.rules.first?.periodSeconds == 120)

        try Self.rules(region: "eu-west-1").write(to: file, atomically: true, encoding: .utf8)
        try await state.reload()
        #expect(state.current.client?.region == "eu-west-1")
        #expect(state.current.client !== first.client)
    }

    /// A transport per build, so the test can tell which runtime got a new one.
    private final class CountingTransport: HTTPTransport {
        let settings: TransportSettings
        init(_ settings: TransportSettings) { self.settings = settings }
        func send(_ request: HTTPRequest, timeout: Duration) async throws -> HTTPResponse {
            Issue.record("unexpected request to \(request.url)")
            return HTTPResponse(status: 500)
        }
    }

    @Test func connectionSettingsBuildANewTransportAndKeepTheStoreAndTags() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("reload-\(UUID()).yml")
        defer { try? FileManager.default.removeItem(at: file) }
        try Self.rules(region: "us-east-1").write(to: file, atomically: true, encoding: .utf8)
        let factory = RuntimeFactory(
            environment: ["AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret"],
            metrics: SelfMetrics(),
            logger: Logger(label: "test"),
            makeTransport: { CountingTransport($0) }
        )
        let state = ExporterState(
            initial: try await factory.make(config: try ConfigLoader.load(path: file.path).config, previous: nil),
            configPath: file.path,
            factory: factory
        )
        let first = state.current
        func reload(_ extra: String) async throws -> ExporterRuntime {
            try Self.rules(region: "us-east-1", extra: extra).write(to: file, atomically: true, encoding: .utf8)
            try await state.reload()
            return state.current
        }
        // Nothing about connections or AWS changed: the same transport and client.
        let same = try await reload("period_seconds: 120\n")
        #expect(same.transport as? CountingTransport === first.transport as? CountingTransport)
        #expect(same.client === first.client)
        // A bigger pool: a new transport (AsyncHTTPClient fixes its pool at creation) and a client on it; the
        // account is the same, so the tags and datapoints stay.
        let pooled = try await reload("max_concurrent_requests: 32\n")
        let pooledTransport = try #require(pooled.transport as? CountingTransport)
        #expect(pooledTransport !== first.transport as? CountingTransport)
        #expect(pooledTransport.settings.connectionsPerHost == 32)
        #expect(pooled.client !== first.client)
        // The tag cache calls AWS through the client: a new one, starting from the tags the old one knew.
        #expect(pooled.collector.tagCache !== first.collector.tagCache)
        #expect(pooled.collector.tagCache.snapshot.version == first.collector.tagCache.snapshot.version)
        #expect(pooled.collector.store === first.collector.store)
        // A new connect timeout: a new transport again.
        let timeout = try await reload("max_concurrent_requests: 32\naws_connect_timeout_seconds: 7\n")
        #expect(timeout.transport as? CountingTransport !== pooledTransport)
        #expect(timeout.transportSettings.connectTimeoutSeconds == 7)
        // Retry settings: the same transport, a new client, the same store.
        let retries = try await reload(
            "max_concurrent_requests: 32\naws_connect_timeout_seconds: 7\naws_max_attempts: 5\n"
        )
        #expect(retries.transport as? CountingTransport === timeout.transport as? CountingTransport)
        #expect(retries.client !== timeout.client)
        #expect(retries.collector.store === first.collector.store)
    }

    @Test func aReplacedTransportShutsItselfDownWithoutBeingAsked() async throws {
        // AsyncHTTPClient traps (in debug builds) when a client goes away without a shutdown: the transport a reload
        // replaced must close its pool when the last user lets go of it.
        // Three transports dropped without a shutdown: had their deinit not shut their clients down, the test
        // process would trap here.
        for _ in 0..<3 {
            _ = AsyncHTTPClientTransport(connectTimeout: .seconds(1), connectionsPerHost: 2)
        }
        let explicit = AsyncHTTPClientTransport()
        #expect(!explicit.isShutdown)
        try await explicit.shutdown()
        try await explicit.shutdown()
        #expect(explicit.isShutdown)
    }

    @Test func badReloadKeepsTheRunningConfig() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("reload-\(UUID()).yml")
        defer { try? FileManager.default.removeItem(at: file) }
        let state = try await Self.state(Self.rules(region: "us-east-1"), file: file)
        let before = state.current
        try "metrics:\n- aws_namespace: AWS/ELB\n".write(to: file, atomically: true, encoding: .utf8)
        await #expect(throws: ConfigError.self) { try await state.reload() }
        #expect(state.current === before)
    }
}

extension ExporterRuntime {
    /// The AWS client of the first target (these configs have one).
    var client: AWSClient? { collector.services.first.flatMap { clients[$0.target] } }
}

extension CloudWatchCollector {
    /// The tag cache of the first target.
    var tagCache: LoadBalancerTagCache { services[0].tagCache }
}
