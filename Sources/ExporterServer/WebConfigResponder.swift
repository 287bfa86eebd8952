import HTTPTypes
public import Hummingbird
import Logging
import NIOCore

/// Applies the web config and the body limit in front of every route, as exporter-toolkit's handler wraps the whole
/// mux: a body over the limit is 413, an unreadable web config 500, over `rate_limit` 429, the configured headers
/// go on every answer, and with `basic_auth_users` every path (`/-/reload` too) needs credentials (401 with
/// `WWW-Authenticate: Basic`). `OPTIONS *` is answered first, as Go's server answers it outside every handler.
public struct WebConfigResponder<Next: HTTPResponder<BasicRequestContext>>: HTTPResponder {
    /// The routes.
    public let next: Next
    /// The web config; `nil` without `--web.config.file`.
    public let store: WebConfigStore?
    /// The credential checker with its cache.
    public let authenticator: BasicAuthenticator
    /// The body limit.
    public let maxRequestBodyBytes: Int

    /// Wraps `next`.
    public init(
        next: Next,
        store: WebConfigStore?,
        authenticator: BasicAuthenticator = .init(),
        maxRequestBodyBytes: Int
    ) {
        self.next = next
        self.store = store
        self.authenticator = authenticator
        self.maxRequestBodyBytes = maxRequestBodyBytes
    }

    public func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        var request = request
        // Checked first: reading the declared length costs nothing, and a refused body need not be read at all.
        if let length = request.headers[.contentLength], let declared = Int(length), declared > maxRequestBodyBytes {
            return Self.tooLarge()
        }
        do {
            // Collected with a bound (chunked bodies have no length) so no route can be handed an endless stream.
            let body = try await request.body.collect(upTo: maxRequestBodyBytes)
            request.body = RequestBody(buffer: body)
        } catch {
            return Self.tooLarge()
        }
        // Go's server answers `OPTIONS *` itself, in front of every handler (credentials and headers included).
        if request.method == .options, request.uri.path == "*" { return Response(status: .ok) }
        guard let store else { return try await next.respond(to: request, context: context) }
        let config: WebConfig
        switch store.current() {
        case .success(let value): config = value
        case .failure:
            // The store logged what is wrong; the client learns nothing about the file.
            return Self.plain(.internalServerError, "Internal Server Error\n")
        }
        // Before headers and credentials, as exporter-toolkit checks it.
        if let limiter = store.rateLimiter, !limiter.allow() {
            return Self.plain(.tooManyRequests, "Too Many Requests\n")
        }
        var response: Response
        var authorized = true
        if !config.users.isEmpty {
            authorized = await authenticator.authenticate(
                authorization: request.headers[.authorization],
                users: config.users
            )
        }
        if authorized {
            response = try await next.respond(to: request, context: context)
        } else {
            response = Self.plain(.unauthorized, "Unauthorized\n")
            response.headers[.wwwAuthenticate] = "Basic"
        }
        for (name, value) in config.headers.sorted(by: { $0.key < $1.key }) {
            guard let field = HTTPField.Name(name), response.headers[field] == nil else { continue }
            response.headers[field] = value
        }
        return response
    }

    private static func tooLarge() -> Response {
        var response = plain(.contentTooLarge, "Request body too large\n")
        // The rest of the body is not read; closing is the only way to stay in step with the client.
        response.headers[.connection] = "close"
        return response
    }

    private static func plain(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/plain; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text))
        )
    }
}
