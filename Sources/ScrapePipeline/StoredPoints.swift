/// A dimension set's datapoints in the datapoint store, oldest first. Most sets keep one (the newest of a fetch of
/// its window): that one is held inline, so a set costs no array of its own.
struct StoredPoints: Sequence, Sendable {
    private let first: DimensionSetData?
    private let rest: [DimensionSetData]

    init(_ points: [DimensionSetData]) {
        first = points.first
        rest = Array(points.dropFirst())
    }

    var count: Int { first == nil ? 0 : 1 + rest.count }

    struct Iterator: IteratorProtocol {
        fileprivate var first: DimensionSetData?
        fileprivate var rest: IndexingIterator<[DimensionSetData]>

        mutating func next() -> DimensionSetData? {
            if let point = first {
                first = nil
                return point
            }
            return rest.next()
        }
    }

    func makeIterator() -> Iterator { Iterator(first: first, rest: rest.makeIterator()) }

    var underestimatedCount: Int { count }
}
