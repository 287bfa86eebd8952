import AWSCore

/// Decodes the metrics of one ListMetrics page as they are read, allocating as little as a page allows: the
/// namespace, metric and dimension names a page repeats are kept once each, and a set equal byte for byte to the
/// next of the ``KnownDimensionSets`` is that set's array (its strings are neither decoded nor copied).
///
/// Any shape but the expected one throws ``CloudWatchJSONCoding/UnexpectedShape``, and the page is decoded again
/// from its tree.
struct ListedMetricDecoder {
    private var names = StringPool()
    private let knownSets: KnownDimensionSets?
    private let known: [[MetricDimension]]
    private var next: Int
    private var namespace = ""
    private var metricName = ""

    init(knownSets: KnownDimensionSets?) {
        self.knownSets = knownSets
        known = knownSets?.sets ?? []
        next = knownSets?.next ?? 0
    }

    /// Records where this page left the known sets, for the listing's next page.
    func finish() { knownSets?.resume(at: next) }

    /// The next metric of the page.
    mutating func metric(_ reader: inout JSONReader) throws -> CloudWatchMetric {
        var namespace: String?
        var metricName: String?
        var dimensions: [MetricDimension] = []
        try reader.readObject { key, reader in
            switch key {
            case "Namespace": namespace = try name(&reader, last: self.namespace)
            case "MetricName": metricName = try name(&reader, last: self.metricName)
            case "Dimensions": dimensions = try self.dimensions(&reader)
            default: _ = try reader.readValue()
            }
        }
        guard let namespace, let metricName else { throw CloudWatchJSONCoding.UnexpectedShape() }
        self.namespace = namespace
        self.metricName = metricName
        return CloudWatchMetric(namespace: namespace, metricName: metricName, dimensions: dimensions)
    }

    /// A name: the previous metric's when the same (a page lists one metric, or a few, again and again), else kept
    /// once per page.
    private mutating func name(_ reader: inout JSONReader, last: String) throws -> String {
        if reader.readString(ifEqualTo: last) { return last }
        guard let text = try reader.readValue().stringValue else { throw CloudWatchJSONCoding.UnexpectedShape() }
        return names.intern(text)
    }

    /// A metric's dimensions: the next known set when every name and value is that set's (and the position moves
    /// past it), else decoded, reusing what matched of the known set's strings; a decoded set equal to the known set
    /// after the next (one was removed) is that one, so a removal costs one set's strings, not the rest's.
    private mutating func dimensions(_ reader: inout JSONReader) throws -> [MetricDimension] {
        let expected = next < known.count ? known[next] : nil
        // While every dimension so far equals the known set's, nothing is built: `decoded` stays nil.
        var matched = 0
        var decoded: [MetricDimension]?
        try CloudWatchJSONCoding.readList(&reader) { reader in
            let position = decoded?.count ?? matched
            let wanted = decoded == nil && position < (expected?.count ?? 0) ? expected?[position] : nil
            var name: String?
            var value = ""
            try reader.readObject { key, reader in
                switch key {
                case "Name":
                    if let wanted, reader.readString(ifEqualTo: wanted.name) {
                        name = wanted.name
                    } else {
                        guard let text = try reader.readValue().stringValue else {
                            throw CloudWatchJSONCoding.UnexpectedShape()
                        }
                        name = names.intern(text)
                    }
                case "Value":
                    if let wanted, reader.readString(ifEqualTo: wanted.value) {
                        value = wanted.value
                    } else {
                        // The tree decoder reads a non-string value as "".
                        value = try reader.readValue().stringValue ?? ""
                    }
                default: _ = try reader.readValue()
                }
            }
            guard let name else { throw CloudWatchJSONCoding.UnexpectedShape() }
            // Equal also when written with escapes: the comparison of bytes above only saves the decoding.
            if let wanted, name == wanted.name, value == wanted.value {
                matched += 1
                return
            }
            if decoded == nil { decoded = Array((expected ?? [])[0..<matched]) }
            decoded?.append(MetricDimension(name: name, value: value))
        }
        if decoded == nil, let expected, matched == expected.count {
            next += 1
            return expected
        }
        let set = decoded ?? Array((expected ?? [])[0..<matched])
        // A set removed since the known listing: the one after it is this one, and the rest follow it.
        if next + 1 < known.count, set == known[next + 1] {
            next += 2
            return known[next - 1]
        }
        return set
    }
}
