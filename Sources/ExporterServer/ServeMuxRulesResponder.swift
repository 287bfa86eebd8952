import Exposition
import HTTPTypes
import Hummingbird
import NIOCore

/// What Go's `ServeMux` and server do around every route, in front of the router, so each route is written once
/// for GET and the rest follows:
///
/// - HEAD runs the GET route and answers its status and headers, `Content-Length` included, without the body (Go
///   runs the handler and discards what it writes). `HEAD /metrics` is the exception: a scrape costs AWS calls, so it
///   answers the GET's headers without one, and so without a length (as Go does for a body it streams).
/// - TRACE is refused with 405 on every path, as cloudwatch_exporter refuses it (since v0.15.0).
/// - The path is matched percent-decoded; a path that is not clean (`//metrics`, `/./metrics`, `/a/../metrics`) is
///   redirected to its clean form with 301, and the `*` target (other than `OPTIONS *`, which
///   ``WebConfigResponder`` answers before credentials, as Go's server does) gets 400 and `Connection: close`.
struct ServeMuxRulesResponder<Next: HTTPResponder<BasicRequestContext>>: HTTPResponder {
    let next: Next

    func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        if request.method == .trace { return Response(status: .methodNotAllowed) }
        if request.method == .connect { return try await next.respond(to: request, context: context) }
        let rawPath = request.uri.path
        if rawPath == "*" {
            return Response(status: .badRequest, headers: [.connection: "close"])
        }
        guard let path = ServeMuxPaths.percentDecoded(rawPath) else {
            return try await next.respond(to: request, context: context)
        }
        let clean = ServeMuxPaths.cleanPath(path)
        if clean != path { return Self.redirect(to: clean, query: request.uri.query, method: request.method) }
        var head = request.head
        // Re-escaped: a decoded `?` or `#` must stay part of the path.
        let routed = ServeMuxPaths.percentEncoded(path)
        head.path = request.uri.query.map { "\(routed)?\($0)" } ?? routed
        guard request.method == .head else {
            return try await next.respond(to: Request(head: head, body: request.body), context: context)
        }
        if path == "/metrics" {
            let format = ExpositionFormat.negotiate(accept: request.headers[.accept])
            var response = Response(status: .ok, headers: [.contentType: format.contentType])
            // The length of a scrape that did not happen is unknown; none is better than a false one.
            response.headers[.contentLength] = nil
            return response
        }
        head.method = .get
        let response = try await next.respond(to: Request(head: head, body: request.body), context: context)
        return Response(status: response.status, headers: response.headers, body: ResponseBody())
    }

    /// Go's `ServeMux` redirect: 301 to the clean path (query kept); a short HTML link for GET only.
    static func redirect(to path: String, query: String?, method: HTTPRequest.Method) -> Response {
        let location = ServeMuxPaths.percentEncoded(path) + (query.map { "?\($0)" } ?? "")
        var headers: HTTPFields = [.location: location]
        if method == .get || method == .head { headers[.contentType] = "text/html; charset=utf-8" }
        guard method == .get else {
            var response = Response(status: .movedPermanently, headers: headers)
            if method == .head { response.headers[.contentLength] = nil }
            return response
        }
        let body = "<a href=\"\(HTMLText.escape(location))\">Moved Permanently</a>.\n\n"
        return Response(
            status: .movedPermanently,
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(string: body))
        )
    }
}

/// Go's `ServeMux` path handling: decoding, cleaning, and escaping for a redirect's `Location`.
enum ServeMuxPaths {
    /// Go's `cleanPath`: `path.Clean` of the path made absolute, keeping a trailing slash.
    static func cleanPath(_ path: String) -> String {
        if path.isEmpty { return "/" }
        let absolute = path.hasPrefix("/") ? path : "/" + path
        var parts: [Substring] = []
        for part in absolute.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(part)
            }
        }
        var clean = "/" + parts.joined(separator: "/")
        if absolute.hasSuffix("/"), clean != "/" { clean += "/" }
        return clean
    }

    /// The path with `%XX` escapes decoded, as Go's `URL.Path`; `nil` for a malformed escape or bytes that are not
    /// UTF-8 (the router then sees the raw path and finds nothing).
    static func percentDecoded(_ path: String) -> String? {
        guard path.contains("%") else { return path }
        return PercentDecoding.bytes(path.utf8).flatMap { String(validating: $0, as: UTF8.self) }
    }

    /// Escapes what Go's `URL.EscapedPath` escapes: everything but unreserved characters and `$&+,/:;=@`.
    static func percentEncoded(_ path: String) -> String {
        var result = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                if Self.unescaped.contains(byte) {
                    result.unicodeScalars.append(Unicode.Scalar(byte))
                } else {
                    let hex = Array("0123456789ABCDEF".unicodeScalars)
                    result.unicodeScalars.append("%")
                    result.unicodeScalars.append(hex[Int(byte >> 4)])
                    result.unicodeScalars.append(hex[Int(byte & 0xF)])
                }
            }
        }
        return result
    }

    private static let unescaped = Set("-._~$&+,/:;=@".utf8)
}
