import ConfigFile
import Foundation
import Testing

@Suite struct DiagnosticsTests {
    /// Every problem is reported, in one go, each with file, line, column and key path.
    @Test func reportsEveryErrorWithPositionAndKeyPath() {
        let diagnostics = errors(
            """
            period_seconds: "60"
            delay_seconds: -5
            metrics:
            - aws_namespace: AWS/ELB
              aws_metric_name: RequestCount
              aws_statistics: [Sum, avg]
            - aws_namespace: AWS/EC2
            - aws_namespace: AWS/ELB
              aws_metric_name: Latency
              aws_extended_statistics: [p99, junk]
              aws_dimensions: [LoadBalancerName]
              aws_dimension_select_regex:
                LoadBalancerName: ["(unclosed"]
              period_seconds: 90
            """
        )
        let summary = diagnostics.map { "\($0.line ?? 0):\($0.column ?? 0) \($0.keyPath)" }
        #expect(
            summary == [
                "1:17 period_seconds",
                "2:16 delay_seconds",
                "6:25 metrics[0].aws_statistics[1]",
                "7:3 metrics[1]",
                "10:34 metrics[2].aws_extended_statistics[1]",
                "13:24 metrics[2].aws_dimension_select_regex.LoadBalancerName[0]",
                "14:19 metrics[2].period_seconds",
            ]
        )
        for diagnostic in diagnostics {
            #expect(diagnostic.file == "config.yml")
            let prefix = "config.yml:\(diagnostic.line ?? 0):\(diagnostic.column ?? 0): \(diagnostic.keyPath): "
            #expect(diagnostic.description.hasPrefix(prefix))
            #expect(diagnostic.description.count > prefix.count)
        }
        #expect(diagnostics[5].message.contains("(unclosed"))
        #expect(diagnostics[1].message.contains("must be at least 0"))
    }

    @Test func configErrorDescriptionListsAllDiagnostics() throws {
        do {
            _ = try parse("metrics:\n- {}\n- {}\n")
            Issue.record("expected an error")
        } catch let error as ConfigError {
            #expect(
                error.description == """
                    config.yml:2:3: metrics[0]: Must provide aws_namespace and aws_metric_name
                    config.yml:3:3: metrics[1]: Must provide aws_namespace and aws_metric_name
                    """
            )
        }
    }

    /// An unknown key often explains an error (a misspelt required key), so the warnings travel with the errors.
    @Test func warningsAccompanyErrors() throws {
        do {
            _ = try parse("metrics:\n- aws_namespace: AWS/ELB\n  aws_metric_nam: RequestCount\n")
            Issue.record("expected an error")
        } catch let error as ConfigError {
            #expect(error.diagnostics.map(\.message) == ["Must provide aws_namespace and aws_metric_name"])
            #expect(error.warnings.map(\.keyPath) == ["metrics[0].aws_metric_nam"])
            #expect(
                error.description == """
                    config.yml:2:3: metrics[0]: Must provide aws_namespace and aws_metric_name
                    config.yml:3:3: metrics[0].aws_metric_nam: warning: unknown key "aws_metric_nam" is ignored; \
                    did you mean aws_metric_name?
                    """
            )
        }
    }

    @Test func multipleDocumentsAreRejected() {
        let diagnostics = errors("metrics: []\n---\nmetrics: []\n")
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.line == 2)
        #expect(diagnostics.first?.message.contains("only one YAML document") == true)
    }

    @Test func yamlSyntaxErrorsHaveAPosition() {
        let diagnostics = errors("metrics:\n- aws_namespace: [AWS/ELB\n  aws_metric_name: x\n")
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.keyPath == "(root)")
        #expect(diagnostics.first?.line != nil)
        #expect(diagnostics.first?.message.hasPrefix("invalid YAML") == true)
    }

    @Test func duplicateKeysAreRejected() {
        let diagnostics = errors("metrics: []\nregion: a\nregion: b\n")
        #expect(diagnostics.first?.message.contains("duplicate keys") == true)
        #expect(diagnostics.first?.message.contains("region") == true)
    }

    @Test func wrongShapesAreReported() {
        #expect(errors("- a\n- b\n").first?.message.contains("expected a mapping") == true)
        #expect(errors("metrics: {a: b}\n").first?.message.contains("expected a list of rules") == true)
        #expect(errors("metrics: [5]\n").first?.keyPath == "metrics[0]")
        let dimensions = errors(
            "metrics:\n- aws_namespace: A\n  aws_metric_name: B\n  aws_dimensions: LoadBalancerName\n"
        )
        #expect(dimensions.first?.keyPath == "metrics[0].aws_dimensions")
        #expect(dimensions.first?.message.contains("expected a list") == true)
    }

    @Test func loadReadsAFileAndNamesItInDiagnostics() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = directory.appendingPathComponent("good.yml")
        try "region: eu-west-1\nmetrics: []\n".write(to: good, atomically: true, encoding: .utf8)
        #expect(try ConfigLoader.load(path: good.path).config.region == "eu-west-1")

        let bad = directory.appendingPathComponent("bad.yml")
        try "metrics: []\nperiod_seconds: abc\n".write(to: bad, atomically: true, encoding: .utf8)
        #expect {
            try ConfigLoader.load(path: bad.path)
        } throws: { error in
            (error as? ConfigError)?.diagnostics.first?.description.hasPrefix("\(bad.path):2:17: period_seconds:")
                == true
        }

        let missing = directory.appendingPathComponent("missing.yml").path
        #expect {
            try ConfigLoader.load(path: missing)
        } throws: { error in
            (error as? ConfigError)?.diagnostics.first?.file == missing
        }
    }
}
