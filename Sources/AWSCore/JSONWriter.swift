/// Writes compact JSON straight into bytes, for request bodies too large to build as a ``JSONValue`` tree first
/// (a 500-query GetMetricData request: profiling showed the tree's dictionaries, their sorted keys and their release
/// as the largest part of encoding it). The caller writes object members in key order, so the bytes are those
/// ``JSONValue/serialized()`` would give.
public struct JSONWriter: Sendable {
    /// The JSON text so far.
    public private(set) var bytes: [UInt8] = []
    private var needsComma = false

    /// Creates a writer, reserving room for `capacity` bytes.
    public init(capacity: Int = 0) { bytes.reserveCapacity(max(0, capacity)) }

    /// Writes `{ … }`; `members` writes the members with ``member(_:_:)``.
    public mutating func object(_ members: (inout JSONWriter) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
        members(&self)
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    /// Writes `[ … ]`; `elements` writes the elements.
    public mutating func array(_ elements: (inout JSONWriter) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma = false
        elements(&self)
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// Writes `"key":` and then the value `value` writes.
    public mutating func member(_ key: String, _ value: (inout JSONWriter) -> Void) {
        separate()
        JSONValue.writeString(key, into: &bytes)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
        value(&self)
        needsComma = true
    }

    /// Writes a string.
    public mutating func string(_ value: String) {
        separate()
        JSONValue.writeString(value, into: &bytes)
        needsComma = true
    }

    /// Writes a number as ``JSONValue`` does (whole numbers without a fraction).
    public mutating func number(_ value: Double) {
        separate()
        bytes.append(contentsOf: JSONValue.format(value).utf8)
        needsComma = true
    }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }
}
