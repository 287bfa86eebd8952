import AWSServices
import Synchronization

/// One collection's dimension sets that are new to their rule, each kept once: rules that list the same sets (every
/// metric of a load balancer namespace lists the same load balancers) take one array and one set of strings for
/// them, not one per rule.
///
/// Only sets a rule's previous listing did not have go through it (the first scrape, a load balancer added): from
/// then on each rule's listing decodes to its previous arrays (``KnownDimensionSets``), which are the shared ones.
/// It lives for one collection, so it never keeps a set no rule lists.
final class DimensionSetInterner: Sendable {
    private let sets = Mutex<Set<[MetricDimension]>>([])

    /// The array kept for sets equal to `set`: the first one this collection met.
    func canonical(_ set: [MetricDimension]) -> [MetricDimension] {
        sets.withLock { $0.insert(set).memberAfterInsert }
    }
}
