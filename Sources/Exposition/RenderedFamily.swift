import Synchronization

/// A family's rendered text, kept with the family by whoever builds the same family scrape after scrape (an exporter
/// answering from its datapoint store exports the same samples until the next period): the renderer then copies
/// these bytes instead of formatting every sample again. Profiled at 100,000 series, formatting was a third of a
/// scrape answered from the store.
///
/// The bytes are used only for the very samples they were rendered from: the cache holds that samples array, and a
/// family whose samples were changed since (merged, filtered, edited) has another array, so it is rendered afresh.
public final class RenderedFamily: Sendable {
    private struct Rendered {
        var samples: [Sample]
        var name: String
        var help: String
        var type: MetricType
        var bytes: [UInt8]
    }

    private struct State {
        var text004: Rendered?
        var openMetrics: Rendered?
    }

    private let state = Mutex(State())

    /// Creates an empty cache; the first render of the family fills it.
    public init() {}

    /// The bytes rendered for `family` in `format`, rendering them with `render` (and keeping them) unless they
    /// were rendered for these same samples before; `nil` when `render` finds the family cannot be rendered on its
    /// own.
    func bytes(for family: MetricFamily, format: ExpositionFormat, render: () -> [UInt8]?) -> [UInt8]? {
        let kept = state.withLock { format == .text004 ? $0.text004 : $0.openMetrics }
        if let kept, Self.same(kept.samples, family.samples), kept.name == family.name,
            kept.help == family.help, kept.type == family.type
        {
            return kept.bytes
        }
        guard let bytes = render() else { return nil }
        let rendered = Rendered(
            samples: family.samples,
            name: family.name,
            help: family.help,
            type: family.type,
            bytes: bytes
        )
        state.withLock { state in
            switch format {
            case .text004: state.text004 = rendered
            case .openMetrics100: state.openMetrics = rendered
            }
        }
        return bytes
    }

    /// Whether two sample arrays are one array (the same storage): the cache keeps its array alive, so its storage
    /// cannot be reused by another one, and any change to a copy moves that copy to storage of its own.
    private static func same(_ left: [Sample], _ right: [Sample]) -> Bool {
        guard left.count == right.count else { return false }
        if left.isEmpty { return true }
        return left.withUnsafeBufferPointer { l in right.withUnsafeBufferPointer { r in l.baseAddress == r.baseAddress }
        }
    }
}
