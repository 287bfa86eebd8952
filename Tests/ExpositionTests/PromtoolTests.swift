import Exposition
import Foundation
import Testing

private let promtoolTestsOptedOut = ProcessInfo.processInfo.environment["CWTE_SKIP_PROMTOOL_TESTS"] == "1"

/// Runs `promtool check metrics` (Prometheus' own parser and linter) on our 0.0.4 output.
///
/// promtool is required: without it on PATH these tests fail, saying how to install it (`scripts/install-deps.sh`
/// installs Debian's `prometheus` package). A developer who cannot install it may set
/// `CWTE_SKIP_PROMTOOL_TESTS=1` to skip them visibly; CI never sets it.
///
/// Findings with promtool 2.42: the output parses; the only lint promtool reports for our shapes is
/// `non-histogram and non-summary metrics should not have "_sum" suffix` on CloudWatch `_sum` gauges, which we must
/// keep because the names are cloudwatch_exporter's. The moved `x_created` gauges, the trailing label comma, Java
/// number spellings (`1.784E9`, `+Inf`, `NaN`) and UTF-8 label values are all accepted. `edge_cases.prom` is not
/// checked: it has an empty HELP on purpose, which promtool lints as "no help text".
@Suite(.disabled(if: promtoolTestsOptedOut, "CWTE_SKIP_PROMTOOL_TESTS=1 is set: promtool checks skipped"))
struct PromtoolTests {
    static let acceptedLints = [#"non-histogram and non-summary metrics should not have "_sum" suffix"#]
    static let optOutVariable = "CWTE_SKIP_PROMTOOL_TESTS"

    struct PromtoolMissing: Error, CustomStringConvertible {
        var description: String {
            "promtool is not on PATH: install it with `bash scripts/install-deps.sh` (Debian: apt-get install "
                + "prometheus), or set \(PromtoolTests.optOutVariable)=1 to skip these tests"
        }
    }

    static var promtool: String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/promtool" }.first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    @Test(arguments: ["example_scrape", "escaping"])
    func promtoolAcceptsOurText004(name: String) throws {
        let families = try #require(GoldenFamilies.named(name))
        let rendered = ExpositionRenderer.render(families, format: .text004, nameFilter: nil)
        #expect(rendered == (try GoldenFile.bytes("\(name).prom")))
        let (status, output) = try runPromtool(input: rendered)
        // 0: clean; 3: lint problems only; anything else (1) means the exposition did not parse.
        #expect(status == 0 || status == 3, "promtool failed: \(output)")
        let problems = output.split(separator: "\n").filter { line in
            !Self.acceptedLints.contains { line.hasSuffix($0) }
        }
        #expect(problems.isEmpty, "unexpected promtool findings: \(problems)")
    }

    @Test func promtoolRejectsBrokenInputSoTheCheckIsReal() throws {
        let (status, _) = try runPromtool(input: Array("broken{ 1\n".utf8))
        #expect(status != 0 && status != 3)
    }

    private func runPromtool(input: [UInt8]) throws -> (Int32, String) {
        let process = Process()
        guard let promtool = Self.promtool else { throw PromtoolMissing() }
        process.executableURL = URL(fileURLWithPath: promtool)
        process.arguments = ["check", "metrics"]
        let stdin = Pipe()
        let output = Pipe()
        process.standardInput = stdin
        process.standardOutput = output
        process.standardError = output
        try process.run()
        stdin.fileHandleForWriting.write(Data(input))
        try stdin.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
