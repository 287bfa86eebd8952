import AWSServices

/// A rule's dimension sets as its previous listing kept them (the datapoint store's alignment), handed out in place
/// of the equal sets of a new listing, so that a listing that did not change costs no second copy of its strings.
///
/// Profiled at 100,000 series with the ListMetrics cache off: every listing decoded new strings, and the store, the
/// label memo and the points of a refetch each kept those of another listing (up to six listings at once, 14 MiB
/// each). Sets are matched in listing order (ListMetrics answers in a stable order): each set is compared with the
/// next one the previous listing kept, so a set inserted is skipped over, and after a set removed the rest is new.
struct PreviousListing {
    private let sets: [[MetricDimension]]
    private var next = 0

    init(_ sets: [[MetricDimension]]) {
        self.sets = sets
    }

    /// The previous listing's set equal to `dimensions` when it is the next one that listing kept, else
    /// `dimensions`.
    mutating func shared(_ dimensions: [MetricDimension]) -> [MetricDimension] {
        guard next < sets.count, sets[next] == dimensions else { return dimensions }
        next += 1
        return sets[next - 1]
    }
}
