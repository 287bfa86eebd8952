// libFuzzer target: JavaPattern (ConfigFile's Java-regex engine, unsafe buffers inside): the first line is a pattern,
// the rest a value; compiled both ways and matched, never a trap, never out of bounds (ASan), never a hang (the
// work is linear in the value).
import ConfigFile

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let input = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    let parts = input.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
    let pattern = parts.first.map(String.init) ?? ""
    let value = parts.count > 1 ? String(parts[1]) : ""
    for anchored in [true, false] {
        guard let compiled = try? JavaPattern(pattern, anchored: anchored) else { continue }
        _ = compiled.matches(value)
        let group = compiled.firstNonEmptyGroup(in: value)
        // A group is a piece of the value.
        if !group.isEmpty, !value.contains(group) { fatalError("group \(group) is not in the value") }
    }
    return 0
}
