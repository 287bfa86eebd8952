public import AWSCore
public import Foundation

/// A captured exchange from the fixtures: the raw request (from boto3) and the response (moto or AWS-shaped).
///
/// Shared by the AWS test targets; each passes its own resource bundle.
public struct WireFixture {
    public var requestHeaders: [(String, String)] = []
    public var requestBody: String = ""
    public var response: HTTPResponse

    public func requestHeader(_ name: String) -> String? {
        requestHeaders.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    /// The AWS wire fixture `Fixtures/<name>` (shared by every AWS test target) as text.
    public static func text(_ name: String) throws -> String { try text(name, in: .module) }

    /// The AWS wire fixture `Fixtures/<name>` as parsed JSON.
    public static func json(_ name: String) throws -> Any { try json(name, in: .module) }

    /// The AWS wire fixture `Fixtures/<name>`: request and response, or response only.
    public static func load(_ name: String) throws -> WireFixture { try load(name, in: .module) }

    static func url(_ name: String, in bundle: Bundle) throws -> URL {
        guard let url = bundle.url(forResource: "Fixtures/\(name)", withExtension: nil) else {
            throw FixtureError(message: "missing fixture \(name)")
        }
        return url
    }

    /// The fixture file `Fixtures/<name>` of `bundle` as text.
    public static func text(_ name: String, in bundle: Bundle) throws -> String {
        try String(contentsOf: url(name, in: bundle), encoding: .utf8)
    }

    /// The fixture file `Fixtures/<name>` of `bundle` as parsed JSON.
    public static func json(_ name: String, in bundle: Bundle) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url(name, in: bundle)))
    }

    /// Loads `aws-wire-moto/*.txt` (request and response) or `aws-responses/*.http` (response only).
    public static func load(_ name: String, in bundle: Bundle) throws -> WireFixture {
        let text = try text(name, in: bundle)
        if name.hasSuffix(".http") {
            let lines = text.components(separatedBy: "\n").filter { !$0.hasPrefix("#") }
            return WireFixture(response: try parseResponse(lines))
        }
        guard let requestRange = text.range(of: "### REQUEST"), let responseRange = text.range(of: "### RESPONSE")
        else {
            throw FixtureError(message: "not a wire capture: \(name)")
        }
        let requestLines = Array(
            text[requestRange.upperBound..<responseRange.lowerBound].components(separatedBy: "\n").dropFirst()
        )
        let responseLines = Array(text[responseRange.upperBound...].components(separatedBy: "\n").dropFirst())
        var fixture = WireFixture(response: try parseResponse(responseLines))
        let (headers, body) = split(Array(requestLines.dropFirst()))
        fixture.requestHeaders = headers
        fixture.requestBody = body
        return fixture
    }

    private static func split(_ lines: [String]) -> ([(String, String)], String) {
        var headers: [(String, String)] = []
        var index = 0
        while index < lines.count, !lines[index].isEmpty {
            let line = lines[index]
            if let colon = line.firstIndex(of: ":") {
                headers.append(
                    (
                        String(line[..<colon]),
                        String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
                    )
                )
            }
            index += 1
        }
        let body = lines.dropFirst(index + 1).joined(separator: "\n").trimmingCharacters(in: .newlines)
        return (headers, body)
    }

    private static func parseResponse(_ lines: [String]) throws -> HTTPResponse {
        var lines = lines
        while let first = lines.first, first.isEmpty { lines.removeFirst() }
        guard let statusLine = lines.first, statusLine.hasPrefix("HTTP/"),
            let status = Int(statusLine.split(separator: " ")[1])
        else { throw FixtureError(message: "no status line") }
        let (headers, body) = split(Array(lines.dropFirst()))
        return HTTPResponse(status: status, headers: headers, body: Array(body.utf8))
    }
}

/// A fixture that is missing or malformed.
public struct FixtureError: Error {
    /// What is wrong.
    public var message: String

    /// Creates the error.
    public init(message: String) { self.message = message }
}
