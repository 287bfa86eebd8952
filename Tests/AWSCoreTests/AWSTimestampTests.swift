import AWSCore
import Foundation
import Testing

@Suite struct AWSTimestampTests {
    @Test(arguments: [
        ("2026-01-15T11:00:00Z", 1_768_474_800.0),
        ("2026-01-15T11:00:00.000Z", 1_768_474_800.0),
        ("2026-11-24T17:16:56.165745Z", 1_795_540_616.165745),
        ("2026-01-15T12:00:00+01:00", 1_768_474_800.0),
        ("1970-01-01T00:00:00Z", 0.0),
        ("2024-02-29T23:59:59Z", 1_709_251_199.0),
    ])
    func parsesISO8601(_ text: String, _ seconds: Double) throws {
        let date = try #require(AWSTimestamp.parseISO8601(text))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 0.000_01)
    }

    @Test(arguments: ["", "2026-01-15", "2026-01-15T11:00:00", "2026-13-01T00:00:00Z", "2026-01-15T11:00:00.Z", "x"])
    func rejectsInvalidTimestamps(_ text: String) {
        #expect(AWSTimestamp.parseISO8601(text) == nil)
    }

    @Test func formatsLikeBotocore() {
        #expect(AWSTimestamp.iso8601(Date(timeIntervalSince1970: 1_795_532_400)) == "2026-11-24T15:00:00Z")
        #expect(AWSTimestamp.iso8601(Date(timeIntervalSince1970: 1_795_532_400.5)) == "2026-11-24T15:00:00.500000Z")
        #expect(AWSTimestamp.iso8601(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00Z")
    }
}
