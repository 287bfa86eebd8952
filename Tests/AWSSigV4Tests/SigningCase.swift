import Foundation

/// One signing vector on disk: a folder holding `<name>.req`, `.creq`, `.sts`, `.authz` and `.sreq`.
struct SigningCase: CustomStringConvertible, Sendable {
    /// The parsed raw request of a `.req` file.
    struct RawRequest {
        var method: String
        var path: String
        var query: String
        var headers: [(String, String)]
        var body: [UInt8]
    }

    let folder: URL
    var name: String { folder.lastPathComponent }
    var description: String { name }

    func file(_ fileExtension: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent("\(name).\(fileExtension)"), encoding: .utf8)
    }

    /// All case folders below `root`, sorted by name.
    static func all(under root: String) -> [SigningCase] {
        guard let base = Bundle.module.url(forResource: "Fixtures", withExtension: nil)?.appendingPathComponent(root),
            let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil)
        else { return [] }
        var cases: [SigningCase] = []
        for case let url as URL in walker where url.pathExtension == "req" {
            cases.append(SigningCase(folder: url.deletingLastPathComponent()))
        }
        return cases.sorted { $0.name < $1.name }
    }

    /// Parses a `.req` file leniently: the request target may contain a raw space, lines may end without a
    /// newline, a header line starting with whitespace continues the previous header, and the body follows the
    /// first blank line.
    static func parse(_ text: String) -> RawRequest {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        let requestLine = lines.first ?? ""
        let firstSpace = requestLine.firstIndex(of: " ") ?? requestLine.endIndex
        let lastSpace = requestLine.lastIndex(of: " ") ?? requestLine.endIndex
        let method = String(requestLine[..<firstSpace])
        let target =
            firstSpace < lastSpace ? String(requestLine[requestLine.index(after: firstSpace)..<lastSpace]) : "/"
        let path: String
        let query: String
        if let mark = target.firstIndex(of: "?") {
            path = String(target[..<mark])
            query = String(target[target.index(after: mark)...])
        } else {
            path = target
            query = ""
        }
        var headers: [(String, String)] = []
        var index = 1
        while index < lines.count, !lines[index].isEmpty {
            let line = lines[index]
            if let first = line.first, first == " " || first == "\t", let last = headers.popLast() {
                headers.append((last.0, last.1 + "\n" + line))
            } else if let colon = line.firstIndex(of: ":") {
                headers.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
            }
            index += 1
        }
        let body = index < lines.count ? lines[(index + 1)...].joined(separator: "\n") : ""
        return RawRequest(method: method, path: path, query: query, headers: headers, body: Array(body.utf8))
    }
}
