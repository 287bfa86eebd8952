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

    /// Found by the http-inputs fuzz target: `Int64(usable * 1000)` trapped on a huge header value.
    @Test(arguments: ["1e300", "1.7976931348623157e308", "9223372036854775.808"])
    func hugeScrapeTimeoutIsCappedInsteadOfTrapping(header: String) {
        let now = ContinuousClock.now
        let request = MetricsRequest(query: nil, scrapeTimeoutHeader: header)
        #expect(request.deadline(now: now, marginSeconds: 0.5) == now.advanced(by: .seconds(86_400)))
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
