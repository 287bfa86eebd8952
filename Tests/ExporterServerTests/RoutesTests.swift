import AWSCore
import AWSTestSupport
import ConfigFile
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Telemetry
import Testing

@testable import ExporterServer

/// Every route, in process (no socket: Hummingbird's router test mode), against a CloudWatch that answers at once.
@Suite struct RoutesTests {
    static func state() async throws -> (ExporterState, SharedCollectionTests.HeldCloudWatch, URL) {
        let transport = SharedCollectionTests.HeldCloudWatch()
        transport.gate.open()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("routes-\(UUID()).yml")
        try SharedCollectionTests.config.write(to: file, atomically: true, encoding: .utf8)
        let factory = RuntimeFactory(
            environment: ["AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret"],
            transport: transport,
            metrics: SelfMetrics(),
            logger: Logger(label: "test")
        )
        let config = try ConfigLoader.load(path: file.path).config
        let state = ExporterState(
            initial: try await factory.make(config: config, previous: nil),
            configPath: file.path,
            factory: factory
        )
        return (state, transport, file)
    }

    static func body(_ response: TestResponse) -> String { String(buffer: response.body) }

    @Test func metricsInBothFormatsWithANameFilter() async throws {
        let (state, transport, file) = try await Self.state()
        defer { try? FileManager.default.removeItem(at: file) }
        let app = Application(responder: ExporterApplication.responder(state: state))
        try await app.test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
                #expect(Self.body(response).contains("aws_elb_request_count_sum{job=\"aws_elb\",instance=\"\""))
                #expect(Self.body(response).contains("cloudwatch_exporter_build_info{"))
            }
            try await client.execute(
                uri: "/metrics",
                method: .get,
                headers: [.accept: "application/openmetrics-text; version=1.0.0"]
            ) { response in
                #expect(response.headers[.contentType]?.hasPrefix("application/openmetrics-text") == true)
                #expect(Self.body(response).hasSuffix("# EOF\n"))
            }
            try await client.execute(uri: "/metrics?name[]=cloudwatch_exporter_scrape_error", method: .post) {
                response in
                #expect(
                    Self.body(response)
                        == """
                        # HELP cloudwatch_exporter_scrape_error Non-zero if this scrape failed.
                        # TYPE cloudwatch_exporter_scrape_error gauge
                        cloudwatch_exporter_scrape_error 0.0

                        """
                )
            }
        }
        // The second and third scrapes were answered from the datapoint store.
        #expect(transport.requests == 1)
    }

    @Test func headAnswersWithoutAScrapeAndTheOtherRoutesAnswerAsDocumented() async throws {
        let (state, transport, file) = try await Self.state()
        defer { try? FileManager.default.removeItem(at: file) }
        let app = Application(responder: ExporterApplication.responder(state: state))
        try await app.test(.router) { client in
            try await client.execute(uri: "/metrics", method: .head) { response in
                #expect(response.status == .ok)
                #expect(response.body.readableBytes == 0)
                #expect(response.headers[.contentLength] == nil)
            }
            #expect(transport.requests == 0)
            for path in ["/-/healthy", "/-/ready"] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .ok && Self.body(response) == "ok")
                }
            }
            try await client.execute(uri: "/-/reload", method: .get) { response in
                #expect(response.status == .methodNotAllowed)
            }
            try await client.execute(uri: "/-/reload", method: .post) { response in
                #expect(response.status == .ok && Self.body(response) == "OK")
            }
            try await client.execute(uri: "/status", method: .get) { response in
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(response.headers[.contentSecurityPolicy] != nil)
                #expect(Self.body(response).contains("<h2>Rules</h2>"))
            }
            try await client.execute(uri: "/status", method: .get, headers: [.accept: "application/json"]) {
                response in
                #expect(response.headers[.contentType] == "application/json")
                #expect(response.headers[.contentSecurityPolicy] != nil)
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                let json = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect(json?["rules"] != nil && json?["target_groups"] != nil)
            }
            try await client.execute(uri: "/metrics", method: .trace) { response in
                #expect(response.status == .methodNotAllowed)
            }
            try await client.execute(uri: "/nowhere", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test func aFailedReloadAnswers500WithAnExcerptAndKeepsTheConfig() async throws {
        let (state, _, file) = try await Self.state()
        defer { try? FileManager.default.removeItem(at: file) }
        let before = state.current
        try "metrics:\n- aws_namespace: AWS/ELB\n".write(to: file, atomically: true, encoding: .utf8)
        let app = Application(responder: ExporterApplication.responder(state: state))
        try await app.test(.router) { client in
            try await client.execute(uri: "/-/reload", method: .post) { response in
                #expect(response.status == .internalServerError)
                #expect(Self.body(response).contains("Must provide aws_namespace and aws_metric_name"))
            }
        }
        #expect(state.current === before)
    }
}
