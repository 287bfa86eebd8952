import AWSServices

/// The dimension sets a listing has had so far, each once: a set listed twice (moto does this) would be requested,
/// and billed, twice.
///
/// Keyed by each set's hash, the set itself compared only when a hash was seen before. Profiled on a 100,000-series
/// scrape answered from the datapoint store (ListMetrics cache off), a `Set<[MetricDimension]>` was 31 % of its CPU:
/// its probes compare the dimension strings of other sets, and growing it hashes them all again.
struct ListedSets {
    /// Every set kept, in listing order; `byHash` points into it.
    private var sets: [[MetricDimension]] = []
    /// The first set of each hash; `collided` the others with that hash.
    private var byHash: [Int: Int] = [:]
    private var collided: [Int: [Int]] = [:]
    private let hash: ([MetricDimension]) -> Int

    /// - Parameter hash: The hash of a set (tests pass one that collides).
    init(hash: @escaping ([MetricDimension]) -> Int = { $0.hashValue }) {
        self.hash = hash
    }

    /// Sets kept.
    var count: Int { sets.count }

    /// Keeps `dimensions`, unless it was kept before; true when it was not.
    mutating func insert(_ dimensions: [MetricDimension]) -> Bool {
        let key = hash(dimensions)
        if let first = byHash[key] {
            if sets[first] == dimensions { return false }
            for index in collided[key] ?? [] where sets[index] == dimensions { return false }
            collided[key, default: []].append(sets.count)
        } else {
            byHash[key] = sets.count
        }
        sets.append(dimensions)
        return true
    }
}
