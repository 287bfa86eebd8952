import Synchronization

/// Dimension sets a caller already holds, in the order a ListMetrics listing gave them (the previous listing of the
/// same metric), for the listing's pages to reuse: a listed set whose names and values are byte for byte those of
/// the next known set is decoded as that set's array, without new strings or a new array.
///
/// Profiled at 100,000 series with the ListMetrics cache off, decoding the 200 pages of each scrape's listing (a
/// string and an array per series, let go of at the end of the listing) was most of a scrape the datapoint store
/// answered, and the listing's strings were the largest part of its peak memory.
///
/// The hint never changes what a page decodes to, only whose storage the result shares: a set that differs in any
/// byte, or that arrives out of order, is decoded as usual. Pages of one listing are decoded one after the other;
/// the position of the next known set carries from one page to the next.
public final class KnownDimensionSets: Sendable {
    let sets: [[MetricDimension]]
    private let position = Mutex(0)

    /// Creates the hint for one listing.
    /// - Parameter sets: The sets already held, in listing order.
    public init(_ sets: [[MetricDimension]]) { self.sets = sets }

    /// The position of the next known set, for the page about to be decoded.
    var next: Int { position.withLock { $0 } }

    /// Records where the decoded page left off.
    func resume(at next: Int) { position.withLock { $0 = next } }
}
