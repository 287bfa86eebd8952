import Foundation
import Logging
import Synchronization
import Testing

@testable import ExporterServer

@Suite struct ServerParsingTests {
    @Test(arguments: [
        (":9106", "0.0.0.0", 9106), ("127.0.0.1:9200", "127.0.0.1", 9200), ("[::]:9106", "::", 9106),
        ("0.0.0.0:0", "0.0.0.0", 0),
    ])
    func listenAddresses(text: String, host: String, port: Int) throws {
        let address = try ListenAddress(parsing: text)
        #expect(address.host == host && address.port == port)
    }

    @Test(arguments: ["9106", ":http", "localhost:70000", ""])
    func badListenAddresses(text: String) {
        #expect(throws: ListenAddressError.self) { try ListenAddress(parsing: text) }
    }

    @Test func nameFilterAndScrapeTimeout() {
        let request = MetricsRequest(
            query: "name[]=cloudwatch_exporter_scrape_error&name%5B%5D=up&other=1",
            scrapeTimeoutHeader: " 10 "
        )
        #expect(request.nameFilter == ["cloudwatch_exporter_scrape_error", "up"])
        #expect(request.scrapeTimeoutSeconds == 10)
        let now = ContinuousClock.now
        #expect(request.deadline(now: now, marginSeconds: 0.5) == now.advanced(by: .milliseconds(9500)))
        // A margin larger than the timeout still leaves a tenth of it.
        #expect(request.deadline(now: now, marginSeconds: 30) == now.advanced(by: .seconds(1)))
        #expect(MetricsRequest(query: nil, scrapeTimeoutHeader: "abc").deadline(now: now, marginSeconds: 0.5) == nil)
        #expect(MetricsRequest(query: "a=b", scrapeTimeoutHeader: nil).nameFilter == nil)
    }

    /// The header is set by whoever reaches the port: no value may trap (`1e300` once killed the process;
    /// the http-inputs fuzz target found it too).
    @Test(arguments: [
        "1e300", "1.7976931348623157e308", "9223372036854775.808", "9223372036854775807", "1e18", "inf", "nan", "-1",
        "0", "", "  ", "1e-300", "0x10",
    ])
    func hostileScrapeTimeoutHeadersNeverTrap(header: String) {
        let now = ContinuousClock.now
        let request = MetricsRequest(query: nil, scrapeTimeoutHeader: header)
        if let deadline = request.deadline(now: now, marginSeconds: 0.5) {
            #expect(deadline > now || header == "1e-300")
            #expect(deadline <= now.advanced(by: .seconds(365 * 86_400)))
        }
    }

    @Test(arguments: ["&&&", "=", "name[]", "name[]=", "name[]=%", "name[]=%ZZ&=x", "%%%%=%%", "a=b=c"])
    func oddQueryStringsAreParsed(query: String) {
        // A filter, when there is one, names something: an empty set would hide every sample.
        #expect(MetricsRequest(query: query, scrapeTimeoutHeader: nil).nameFilter?.isEmpty != true)
    }

    @Test func logfmtAndJSONLines() {
        let lines = Mutex<[String]>([])
        for format in ExporterLogHandler.Format.allCases {
            var logger = Logger(label: "test") { _ in
                ExporterLogHandler(format: format, level: .info) { line in lines.withLock { $0.append(line) } }
            }
            logger[metadataKey: "rule"] = "AWS/ELB"
            logger.debug("hidden")
            logger.warning(
                "CloudWatch scrape failed",
                metadata: ["aws.error_code": "Throttling", "detail": "a \"b\"\nc"]
            )
        }
        let captured = lines.withLock { $0 }
        #expect(captured.count == 2)
        #expect(
            captured[0].contains(
                #"level=warn msg="CloudWatch scrape failed" aws.error_code=Throttling detail="a \"b\"\nc" rule=AWS/ELB"#
            )
        )
        #expect(captured[0].hasPrefix("time=20"))
        let json = try? JSONSerialization.jsonObject(with: Data(captured[1].utf8)) as? [String: String]
        #expect(json?["level"] == "warn" && json?["detail"] == "a \"b\"\nc" && json?["rule"] == "AWS/ELB")
    }
}
