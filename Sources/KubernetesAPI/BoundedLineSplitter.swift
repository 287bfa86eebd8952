import NIOCore

/// Splits a byte stream into lines at `\n`, refusing any line longer than a limit.
///
/// A watch is one JSON object per line; the limit keeps one hostile or broken line from growing without bound.
/// Empty lines (and a `\r` before `\n`) are dropped.
struct BoundedLineSplitter {
    struct LineTooLong: Error {}

    let maximumLineBytes: Int
    private var partial: [UInt8] = []

    init(maximumLineBytes: Int) {
        self.maximumLineBytes = max(1, maximumLineBytes)
    }

    /// The lines `buffer` completes; the bytes after its last newline are kept for the next buffer.
    mutating func lines(in buffer: ByteBuffer) throws(LineTooLong) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        let view = buffer.readableBytesView
        var start = view.startIndex
        while let newline = view[start...].firstIndex(of: UInt8(ascii: "\n")) {
            let segment = view[start..<newline]
            guard segment.count <= maximumLineBytes - partial.count else { throw LineTooLong() }
            var line = partial
            line.append(contentsOf: segment)
            partial = []
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            if !line.isEmpty { lines.append(line) }
            start = view.index(after: newline)
        }
        let rest = view[start...]
        guard rest.count <= maximumLineBytes - partial.count else { throw LineTooLong() }
        partial.append(contentsOf: rest)
        return lines
    }

    /// The last line when the stream ended without a newline after it.
    mutating func finish() -> [UInt8]? {
        defer { partial = [] }
        if partial.last == UInt8(ascii: "\r") { partial.removeLast() }
        return partial.isEmpty ? nil : partial
    }
}
