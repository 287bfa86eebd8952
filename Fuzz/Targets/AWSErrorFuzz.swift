// libFuzzer target: AWSErrorDecoder, which reads every unsuccessful answer (XML or JSON body and headers).
import AWSCore

/// The input is a small HTTP response, so the wire captures work as seeds as they are:
/// a status line (`HTTP/1.1 400` or just `400`), header lines up to an empty line, then the body.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    let response = HTTPResponse(fuzzInput: bytes)
    let error = AWSErrorDecoder.decode(response, service: "cloudwatch", operation: "GetMetricData")
    _ = error.description
    _ = AWSErrorDecoder.kind(code: error.code, status: response.status)
    return 0
}

extension HTTPResponse {
    init(fuzzInput bytes: [UInt8]) {
        var status = 400
        var headers: [(String, String)] = []
        var index = 0
        var lineNumber = 0
        while index < bytes.count {
            let end = bytes[index...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            var line = String(decoding: bytes[index..<end], as: UTF8.self)
            if line.hasSuffix("\r") { line.removeLast() }
            index = min(end + 1, bytes.count)
            defer { lineNumber += 1 }
            if lineNumber == 0 {
                let statusText = line.split(separator: " ").first { Int($0) != nil }
                status = statusText.flatMap { Int($0) } ?? 400
                continue
            }
            if line.isEmpty { break }
            let parts = line.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            headers.append((String(parts[0]), parts.count > 1 ? String(parts[1].drop { $0 == " " }) : ""))
        }
        self.init(status: status, headers: headers, body: Array(bytes[index...]))
    }
}
