import AWSCore
import CloudWatchCollector
import ExporterConfig
import Foundation
import Logging
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
        #expect(state.current.client.region == "eu-west-1")
        #expect(state.current.client !== first.client)
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
