/// One API's load balancers, by CloudWatch dimension value, kept compact: the records in one array sorted by
/// dimension value (the order `aws_elb_tags` and the status page list them in), found through a table of positions.
///
/// Profiled at 50,000 load balancers, a dictionary of records was 12.6 MiB: Swift keeps a dictionary at most three
/// quarters full, so 50,000 records of 80 bytes took 131,072 buckets of key and record. The array and a table of
/// 32-bit positions at most half full take 4.5 MiB, and a look-up is one hash and, mostly, one comparison.
public struct LoadBalancerRecords: Sendable {
    /// The records, sorted by dimension value, each dimension value once.
    public let values: [LoadBalancerRecord]
    /// Open addressing over `values`: a slot holds a position, or -1 when empty; a power of two, at most half full,
    /// so that every probe sequence reaches an empty slot.
    private let table: [Int32]

    /// No load balancers.
    public init() {
        values = []
        table = []
    }

    /// The records, by dimension value; of records with the same dimension value the last one is kept, as
    /// assigning them to a dictionary in turn would.
    public init(_ records: [LoadBalancerRecord]) {
        let order = records.indices.sorted {
            (records[$0].dimensionValue, $0) < (records[$1].dimensionValue, $1)
        }
        var kept: [LoadBalancerRecord] = []
        kept.reserveCapacity(records.count)
        for (offset, index) in order.enumerated() {
            let later = offset + 1 < order.count ? order[offset + 1] : nil
            if let later, records[later].dimensionValue == records[index].dimensionValue { continue }
            kept.append(records[index])
        }
        // Far more load balancers than any account can hold, or this process's memory: the rest are not kept.
        if kept.count >= Int(Int32.max) { kept.removeLast(kept.count - Int(Int32.max) + 1) }
        values = kept
        table = Self.table(for: kept)
    }

    /// The record with this dimension value.
    public subscript(dimensionValue: String) -> LoadBalancerRecord? {
        guard !table.isEmpty else { return nil }
        let mask = table.count - 1
        var slot = dimensionValue.hashValue & mask
        while true {
            let position = Int(table[slot])
            if position < 0 { return nil }
            if values[position].dimensionValue == dimensionValue { return values[position] }
            slot = (slot + 1) & mask
        }
    }

    /// How many load balancers.
    public var count: Int { values.count }

    /// Whether there are none.
    public var isEmpty: Bool { values.isEmpty }

    private static func table(for records: [LoadBalancerRecord]) -> [Int32] {
        guard !records.isEmpty else { return [] }
        var capacity = 2
        while capacity < records.count * 2 { capacity <<= 1 }
        var table = [Int32](repeating: -1, count: capacity)
        let mask = capacity - 1
        for (position, record) in records.enumerated() {
            var slot = record.dimensionValue.hashValue & mask
            while table[slot] >= 0 { slot = (slot + 1) & mask }
            table[slot] = Int32(truncatingIfNeeded: position)
        }
        return table
    }
}
