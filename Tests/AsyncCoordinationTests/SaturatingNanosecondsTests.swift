import AsyncCoordination
import Testing

/// Timeouts come from config values and headers, so converting one to NIO's nanoseconds must saturate, not trap.
@Suite struct SaturatingNanosecondsTests {
    @Test func ordinaryDurationsConvertExactly() {
        #expect(Duration.seconds(4).saturatingNanoseconds == 4_000_000_000)
        #expect(Duration.milliseconds(1500).saturatingNanoseconds == 1_500_000_000)
        #expect(Duration.nanoseconds(7).saturatingNanoseconds == 7)
        #expect(Duration.zero.saturatingNanoseconds == 0)
        #expect(Duration.seconds(-2).saturatingNanoseconds == -2_000_000_000)
    }

    @Test func hugeDurationsSaturate() {
        #expect(Duration.seconds(Int64.max).saturatingNanoseconds == .max)
        #expect(Duration.seconds(Int64.min).saturatingNanoseconds == .min)
        #expect(Duration.seconds(9_223_372_037).saturatingNanoseconds == .max)
        #expect(Duration.seconds(9_223_372_036).saturatingNanoseconds == 9_223_372_036_000_000_000)
    }
}
