import Exposition
import Testing

@Suite struct ExpositionFormatTests {
    @Test(arguments: [
        // Prometheus 3's default scrape header.
        "application/openmetrics-text;version=1.0.0;escaping=allow-utf8;q=0.5,application/openmetrics-text;"
            + "version=0.0.1;q=0.4,text/plain;version=1.0.0;escaping=allow-utf8;q=0.3,text/plain;version=0.0.4;q=0.2,"
            + "*/*;q=0.1",
        "application/openmetrics-text; version=1.0.0",
        "text/plain;version=0.0.4, application/openmetrics-text",
        "text/html,  application/openmetrics-text ;q=0",
    ])
    func picksOpenMetricsWhenAnyEntryAsksForIt(accept: String) {
        #expect(ExpositionFormat.negotiate(accept: accept) == .openMetrics100)
    }

    @Test(
        arguments: [
            nil, "", "*/*", "text/plain; version=0.0.4", "application/json",
            // simpleclient compares the media type case-sensitively and requires it to be the whole entry.
            "Application/OpenMetrics-Text", "application/openmetrics-text-extra",
        ] as [String?]
    )
    func fallsBackToText004(accept: String?) {
        #expect(ExpositionFormat.negotiate(accept: accept) == .text004)
    }

    @Test func contentTypesAreSimpleclients() {
        #expect(ExpositionFormat.text004.contentType == "text/plain; version=0.0.4; charset=utf-8")
        #expect(
            ExpositionFormat.openMetrics100.contentType == "application/openmetrics-text; version=1.0.0; charset=utf-8"
        )
    }
}
