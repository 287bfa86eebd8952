import Exposition
import Foundation
import Testing

@Suite struct ExpositionGoldenTests {
    @Test(arguments: GoldenFamilies.names)
    func text004MatchesGoldenByteForByte(name: String) throws {
        let families = try #require(GoldenFamilies.named(name))
        let rendered = ExpositionRenderer.render(families, format: .text004, nameFilter: nil)
        let expected = try GoldenFile.bytes("\(name).prom")
        #expect(String(decoding: rendered, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
        #expect(rendered == expected)
    }

    @Test(arguments: GoldenFamilies.names)
    func openMetricsMatchesGoldenByteForByte(name: String) throws {
        let families = try #require(GoldenFamilies.named(name))
        let rendered = ExpositionRenderer.render(families, format: .openMetrics100, nameFilter: nil)
        let expected = try GoldenFile.bytes("\(name).om")
        #expect(String(decoding: rendered, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
        #expect(rendered == expected)
    }
}
