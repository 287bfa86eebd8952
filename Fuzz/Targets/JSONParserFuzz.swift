// libFuzzer target: the JSON parser every JSON 1.0 / 1.1 answer goes through (AWSCore JSONParser, JSONValue).
import AWSCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    guard let value = try? JSONValue.parse(bytes) else { return 0 }
    // What we write must always parse again, and mean the same when every number is finite (JSON has no
    // infinity, so `1e999` parses to +inf and is written as 0 on purpose).
    let text = value.serialized()
    let again: JSONValue
    do {
        again = try JSONValue.parse(text)
    } catch {
        fatalError("serialized JSON does not parse: \(error): \(String(decoding: text, as: UTF8.self))")
    }
    if allFinite(value), again != value {
        fatalError("serialized JSON means something else: \(String(decoding: text, as: UTF8.self))")
    }
    return 0
}

/// True when no number in `value` is infinite. Iterative, so it holds for any depth the parser accepts.
private func allFinite(_ value: JSONValue) -> Bool {
    var pending = [value]
    while let next = pending.popLast() {
        switch next {
        case .number(let number) where !number.isFinite: return false
        case .array(let elements): pending.append(contentsOf: elements)
        case .object(let members): pending.append(contentsOf: members.values)
        default: break
        }
    }
    return true
}
