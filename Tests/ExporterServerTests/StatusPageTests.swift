import Testing

@testable import ExporterServer

/// The pieces of the status page that take outside input: escaping, content negotiation, number formatting.
@Suite struct StatusPageTests {
    @Test func everyMarkupCharacterIsEscaped() {
        #expect(
            HTMLText.escape("<script>alert('x')</script> & \"q\"")
                == "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        )
        #expect(HTMLText.escape("a\u{0}b\u{1B}c\td\ne") == "a\u{FFFD}b\u{FFFD}c\td\ne")
        #expect(HTMLText.escape("namespace/Ünïcode ✓") == "namespace/Ünïcode ✓")
    }

    @Test func jsonOnlyWhenTheClientRanksItAboveHTML() {
        #expect(StatusFormat.prefersJSON(accept: "application/json"))
        #expect(StatusFormat.prefersJSON(accept: "text/html;q=0.5, application/json"))
        #expect(!StatusFormat.prefersJSON(accept: nil))
        #expect(!StatusFormat.prefersJSON(accept: "text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8"))
        #expect(!StatusFormat.prefersJSON(accept: "*/*"))
        #expect(!StatusFormat.prefersJSON(accept: "application/json;q=1e999, text/html"))
        #expect(!StatusFormat.prefersJSON(accept: String(repeating: "application/json,", count: 10_000)))
    }

    @Test func pricesAndAgesAreFormattedWithoutALocale() {
        #expect(StatusPage.price(0) == "0.00")
        #expect(StatusPage.price(0.00505) == "0.00505")
        #expect(StatusPage.price(3500) == "3500.00")
        #expect(StatusPage.price(.nan) == "0")
        #expect(StatusPage.ageText(5) == "5 s")
        #expect(StatusPage.ageText(600) == "10 min")
        #expect(StatusPage.ageText(-1) == "0 s")
        #expect(StatusPage.ageText(.infinity) == "0 s")
    }
}
