import AWSCore
import ConfigFile
import Exposition
public import Hummingbird
import Logging
import NIOCore
import ResourceTags
import ScrapePipeline
import ScrapeStatus
import ServiceLifecycle
import Telemetry
import UnixSignals

/// Builds the HTTP application: `/metrics`, `/-/healthy`, `/-/ready`, `/-/reload`, `/`, and TRACE refused.
public enum ExporterApplication {
    /// Builds the router's responder, wrapped in Go's `ServeMux` rules (``ServeMuxRulesResponder``): HEAD for every
    /// GET route (`HEAD /metrics` without a scrape), TRACE refused on every path, clean paths.
    public static func responder(state: ExporterState) -> some HTTPResponder<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        let metrics: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            await metricsResponse(request, state: state)
        }
        router.get("/metrics", use: metrics)
        router.post("/metrics", use: metrics)
        for path in ["/-/healthy", "/-/ready"] {
            router.get(RouterPath(path)) { _, _ in text(.ok, "ok") }
        }
        router.post("/-/reload") { _, _ in
            do {
                try await state.reload()
                return text(.ok, "OK")
            } catch {
                // An excerpt: a config path that points at another file must not print that file.
                return text(.internalServerError, "Reloading config failed:\n\(ConfigExcerpt.of("\(error)"))\n")
            }
        }
        router.get("/-/reload") { _, _ in text(.methodNotAllowed, "Only POST requests allowed") }
        for path in ["/", "/status"] {
            router.get(RouterPath(path)) { request, _ in statusResponse(request, state: state) }
        }
        return ServeMuxRulesResponder(next: router.buildResponder())
    }

    /// Builds the application listening on `address`, with the tag refresher, the Kubernetes watches and the SIGHUP
    /// reloader as services.
    /// - Parameters:
    ///   - webConfig: the `--web.config.file` (TLS, basic auth, headers), or `nil` for plain HTTP without auth.
    ///   - limits: timeouts, connection cap and size limits of the HTTP server.
    public static func make(
        state: ExporterState,
        address: ListenAddress,
        logger: Logger,
        webConfig: WebConfigStore? = nil,
        limits: HTTPLimits = HTTPLimits()
    ) -> some ApplicationProtocol {
        Application(
            responder: WebConfigResponder(
                next: responder(state: state),
                store: webConfig,
                maxRequestBodyBytes: limits.maxRequestBodyBytes
            ),
            server: .guarded(limits: limits, store: webConfig),
            configuration: ApplicationConfiguration(address: .hostname(address.host, port: address.port)),
            services: [
                TagRefreshService(state: state), KubernetesWatchService(state: state),
                ReloadSignalService(state: state),
            ],
            logger: logger
        )
    }

    /// How long graceful shutdown may take before the service group cancels what is left: well inside
    /// ``ShutdownService/deadline``, which ends the process if even cancellation does not finish.
    static let gracefulShutdownLimit: Duration = .seconds(3)

    /// Builds the application and serves until SIGTERM or SIGINT, then shuts down gracefully.
    public static func run(
        state: ExporterState,
        address: ListenAddress,
        logger: Logger,
        webConfig: WebConfigStore? = nil,
        limits: HTTPLimits = HTTPLimits()
    ) async throws {
        // A service group shuts its services down last to first: the shutdown service comes after the application so
        // that it cancels the collections in flight before the HTTP server waits for its requests (which then answer
        // at once from the datapoint store), not after it.
        var configuration = ServiceGroupConfiguration(
            services: [
                make(state: state, address: address, logger: logger, webConfig: webConfig, limits: limits),
                ShutdownService(state: state, logger: logger),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        configuration.maximumGracefulShutdownDuration = gracefulShutdownLimit
        try await ServiceGroup(configuration: configuration).run()
    }

    static func metricsResponse(_ request: Request, state: ExporterState) async -> Response {
        let format = ExpositionFormat.negotiate(accept: request.headers[.accept])
        let timeoutHeader = request.headers.first {
            $0.name.canonicalName == "x-prometheus-scrape-timeout-seconds"
        }?.value
        let parameters = MetricsRequest(query: request.uri.query, scrapeTimeoutHeader: timeoutHeader)
        let margin = state.current.config.scrapeTimeoutMarginSeconds
        let families = await state.scrape(
            deadline: parameters.deadline(now: ContinuousClock.now, marginSeconds: margin)
        )
        let body = ExpositionRenderer.render(families, format: format, nameFilter: parameters.nameFilter)
        return Response(
            status: .ok,
            headers: [.contentType: format.contentType],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body))
        )
    }

    /// The status page, or its JSON form when the client asks for `application/json` (or `?format=json`).
    static func statusResponse(_ request: Request, state: ExporterState) -> Response {
        let report = StatusReport.make(state: state)
        let wantsJSON =
            request.uri.queryParameters.get("format") == "json"
            || StatusFormat.prefersJSON(accept: request.headers[.accept])
        // Both forms carry the same security headers: the JSON holds the same tag values, and a browser that is
        // sent to it must neither sniff it into HTML nor run anything from it.
        var headers: HTTPFields = [.cacheControl: "no-store", .xContentTypeOptions: "nosniff"]
        headers[.contentSecurityPolicy] = StatusPage.contentSecurityPolicy
        if wantsJSON {
            headers[.contentType] = "application/json"
            return Response(
                status: .ok,
                headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: report.json().serialized()))
            )
        }
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(
            status: .ok,
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(string: StatusPage.html(report)))
        )
    }

    static func text(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/plain; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body))
        )
    }
}
