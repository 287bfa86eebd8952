import AWSCore
import AWSTestSupport
import Foundation
import Testing

@Suite struct XMLReaderTests {
    @Test func readsElementsTextAndDropsNamespacePrefixes() throws {
        let root = try XMLReader.parse(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <!-- leading comment -->
            <a:Root xmlns:a="urn:x" attr='1'><Name id="7">web</Name><Empty/><List><member>1</member><member>2</member></List></a:Root>
            """
        )
        #expect(root.name == "Root")
        #expect(root.string("Name") == "web")
        #expect(root.child("Empty")?.text == "")
        #expect(root.members("List").map(\.text) == ["1", "2"])
        #expect(root.members("Missing").isEmpty)
    }

    @Test func resolvesEntitiesCharacterReferencesAndCDATA() throws {
        let root = try XMLReader.parse(
            "<v>a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos; &#233; &#x1F600; <![CDATA[<raw> & ]]><!-- x -->z</v>"
        )
        #expect(root.text == "a & b <c> \"d\" 'e' é 😀 <raw> & z")
    }

    @Test(arguments: [
        "", "<a>", "<a></b>", "<a><b></a></b>", "text", "<a>&bogus;</a>", "<a>&#0;</a>", "<a>&#xZZ;</a>",
        "<a><![CDATA[x</a>", "<a><!-- x</a>", "<a attr=1></a>", "<a></a><b></b>", "<!DOCTYPE a [<!ENTITY x 'y'>]><a/>",
        "<a>&amp</a>", "</a>", "<a/><a/>", "<?xml version='1.0'", "<a b='<'/>",
    ])
    func rejectsMalformedDocuments(_ document: String) {
        #expect(throws: XMLReaderError.self) { try XMLReader.parse(document) }
    }

    @Test func refusesExcessiveNesting() {
        let deep = String(repeating: "<a>", count: 5000) + String(repeating: "</a>", count: 5000)
        #expect(throws: XMLReaderError.self) { try XMLReader.parse(deep) }
    }

    /// Truncating real answers anywhere must give an error or a (partial) tree, never a crash.
    @Test func survivesTruncatedAndCorruptedFixtures() throws {
        let names = [
            "cloudwatch-query-ListMetrics-page2.txt", "cloudwatch-query-GetMetricData.txt",
            "elb-DescribeLoadBalancers-page1.txt", "cloudwatch-query-GetMetricData-partial.http",
            "cloudwatch-query-error-throttling.http",
        ]
        var generator = SeededGenerator(seed: 42)
        var failures = 0
        for name in names {
            let body = try WireFixture.load(name).response.body
            #expect((try? XMLReader.parse(body)) != nil, "\(name) must parse whole")
            for _ in 0..<300 {
                let cut = Int.random(in: 0..<body.count, using: &generator)
                if (try? XMLReader.parse(Array(body[0..<cut]))) == nil { failures += 1 }
                var corrupted = body
                corrupted[Int.random(in: 0..<body.count, using: &generator)] = UInt8.random(
                    in: 0...255,
                    using: &generator
                )
                _ = try? XMLReader.parse(corrupted)
            }
        }
        // Nearly every truncation leaves an unclosed element.
        #expect(failures > 1400)
    }
}

struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        var value = state
        value ^= value >> 33
        value = value &* 0xff51_afd7_ed55_8ccd
        value ^= value >> 33
        return value
    }
}
