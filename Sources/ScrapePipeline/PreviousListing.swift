import AWSServices

/// One listing's dimension sets, each once, as the arrays of the rule's previous listing where they are equal: a
/// listing that did not change then costs no second copy of its strings, and no hash per set.
///
/// Profiled at 100,000 series with the ListMetrics cache off: every listing decoded new strings, and the store, the
/// label memo and the points of a refetch each kept those of another listing (up to six listings at once, 14 MiB
/// each); hashing every set to drop repeated ones was a tenth of a scrape the store answered.
///
/// ListMetrics answers in a stable order, so each set is first compared with the next set the previous listing kept
/// (the fast path: no hash; a set inserted is skipped over, and after a set removed the rest goes the slow path).
/// The slow path drops repeats by hash (``ListedSets``) and, for a set shaped like the previous listing's (same
/// dimension count), looks it up among them: a repeat of one met on the fast path is dropped, and one met early is
/// the previous listing's array, and is not kept again when the fast path reaches it.
struct PreviousListing {
    private let sets: [[MetricDimension]]
    private var next = 0
    private var slowPath: ListedSets
    /// The dimension counts of the previous listing's sets: a set of another count is none of them.
    private let counts: Set<Int>
    /// The previous listing's sets by value, built when the slow path first needs it.
    private var index: [[MetricDimension]: Int]?
    /// Previous sets the slow path met before the fast path reached them.
    private var metEarly: Set<Int> = []

    /// Gives a set the previous listing did not have the array it is to be kept as.
    private let newSet: ([MetricDimension]) -> [MetricDimension]

    /// - Parameters:
    ///   - sets: The sets the rule's previous listing kept, each once.
    ///   - hash: The hash of a set on the slow path (tests pass one that collides).
    ///   - newSet: The array a set new to this rule is kept as (another rule's equal set).
    init(
        _ sets: [[MetricDimension]],
        hash: @escaping ([MetricDimension]) -> Int = { $0.hashValue },
        newSet: @escaping ([MetricDimension]) -> [MetricDimension] = { $0 }
    ) {
        self.newSet = newSet
        self.sets = sets
        self.slowPath = ListedSets(hash: hash)
        self.counts = Set(sets.map(\.count))
    }

    /// The set to go on with for `dimensions` (the previous listing's array when equal), or nil when this listing
    /// had it already.
    mutating func admit(_ dimensions: [MetricDimension]) -> [MetricDimension]? {
        if next < sets.count, sets[next] == dimensions {
            next += 1
            return metEarly.remove(next - 1) == nil ? sets[next - 1] : nil
        }
        guard slowPath.insert(dimensions) else { return nil }
        guard counts.contains(dimensions.count) else { return newSet(dimensions) }
        if index == nil {
            index = Dictionary(
                sets.enumerated().map { ($0.element, $0.offset) },
                uniquingKeysWith: { first, _ in first }
            )
        }
        guard let position = index?[dimensions] else { return newSet(dimensions) }
        if position < next { return nil }
        metEarly.insert(position)
        return sets[position]
    }
}
