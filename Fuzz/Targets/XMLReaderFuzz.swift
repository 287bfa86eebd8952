// libFuzzer target: the XML reader every Query-protocol answer goes through (AWSCore XMLReader, AWSXMLElement).
import AWSCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    guard let root = try? XMLReader.parse(bytes) else { return 0 }
    // Walk the tree with the accessors the decoders use, iteratively (the tree may be as deep as the reader allows).
    var pending = [root]
    while let element = pending.popLast() {
        _ = element.double(element.name)
        _ = element.members(element.name)
        pending.append(contentsOf: element.children)
    }
    _ = root.path(["Error", "Code"])
    return 0
}
