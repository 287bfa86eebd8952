import AWSSigV4
public import FoundationEssentials
public import Logging

/// Calls one AWS service: builds the request, signs every attempt afresh, sends it, retries with backoff,
/// decodes errors and reports each attempt to the ``AWSCallObserver``.
///
/// A `nil` credential provider sends unsigned requests (STS `AssumeRoleWithWebIdentity`).
public struct AWSServiceCaller: Sendable {
    /// The service called.
    public let service: AWSServiceDescriptor
    /// The region (the signature's scope).
    public let region: String
    /// Where requests go.
    public let endpoint: AWSEndpoint
    /// The retry policy.
    public let retry: RetryPolicy
    /// The timeout of one attempt (further limited by the caller's deadline).
    public let requestTimeout: Duration
    /// The retry quota shared by every caller of this service.
    public let retryBudget: RetryBudget

    private let credentialProvider: (any CredentialProvider)?
    private let signingKeys = SigningKeyCache()
    private let transport: any HTTPTransport
    private let observer: any AWSCallObserver
    private let logger: Logger
    private let now: @Sendable () -> Date

    /// Creates a caller.
    /// - Parameters:
    ///   - service: The service.
    ///   - region: The region requests are signed for.
    ///   - endpoint: Where requests go (see ``AWSEndpointResolver``).
    ///   - credentials: Signs requests; nil sends them unsigned.
    ///   - transport: Sends the HTTP requests.
    ///   - retry: Attempts and backoff.
    ///   - requestTimeout: The timeout of each attempt.
    ///   - retryBudget: The retry quota; share one per service, so that a throttling storm does not multiply calls.
    ///   - observer: Receives attempt, retry and failure events.
    ///   - logger: Debug logs per attempt (never credentials).
    ///   - now: The wall clock used for signing.
    public init(
        service: AWSServiceDescriptor,
        region: String,
        endpoint: AWSEndpoint,
        credentials: (any CredentialProvider)?,
        transport: any HTTPTransport,
        retry: RetryPolicy = RetryPolicy(),
        requestTimeout: Duration = .seconds(10),
        retryBudget: RetryBudget = RetryBudget(),
        observer: any AWSCallObserver = NoopAWSCallObserver(),
        logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.service = service
        self.region = region
        self.endpoint = endpoint
        self.credentialProvider = credentials
        self.transport = transport
        self.retry = retry
        self.requestTimeout = requestTimeout
        self.retryBudget = retryBudget
        self.observer = observer
        self.logger = logger
        self.now = now
    }

    /// Calls a Query-protocol operation and returns its `<ActionResult>` element (the root element when the
    /// answer has no such wrapper, as EC2's answers do).
    /// - Throws: ``AWSError``.
    public func query(
        action: String,
        parameters: QueryParameters,
        deadline: ContinuousClock.Instant?
    ) async throws(AWSError) -> AWSXMLElement {
        let body = Array(parameters.formBody(action: action, version: service.apiVersion).utf8)
        let response = try await send(
            operation: action,
            body: body,
            headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
            deadline: deadline
        )
        let root: AWSXMLElement
        do {
            root = try XMLReader.parse(response.body)
        } catch {
            throw malformed(action, response, "\(error)")
        }
        // EC2-style answers have no <ActionResult> wrapper; their members sit under the root.
        return root.child("\(action)Result") ?? root
    }

    /// Calls a JSON 1.0 / 1.1 operation and returns the decoded body.
    /// - Parameters:
    ///   - target: The operation name; the `X-Amz-Target` header is `<prefix>.<target>`.
    ///   - body: The request object (send `.object([:])` for no parameters).
    ///   - deadline: No attempt or backoff goes past it.
    /// - Throws: ``AWSError``.
    public func json(target: String, body: JSONValue, deadline: ContinuousClock.Instant?) async throws(AWSError)
        -> JSONValue
    {
        try await json(target: target, body: body.serialized(), deadline: deadline)
    }

    /// Calls a JSON operation and returns the raw successful response (for callers that decode it themselves).
    /// - Throws: ``AWSError``.
    public func sendJSON(target: String, body: JSONValue, deadline: ContinuousClock.Instant?) async throws(AWSError)
        -> HTTPResponse
    {
        try await sendJSON(target: target, body: body.serialized(), deadline: deadline)
    }

    /// Calls a JSON operation with a body already written (``JSONWriter``) and returns the parsed answer.
    /// - Throws: ``AWSError``.
    public func json(target: String, body: [UInt8], deadline: ContinuousClock.Instant?) async throws(AWSError)
        -> JSONValue
    {
        let response = try await sendJSON(target: target, body: body, deadline: deadline)
        do {
            return try JSONValue.parse(response.body)
        } catch {
            throw malformed(target, response, "\(error)")
        }
    }

    /// Calls a JSON operation with a body already written and decodes the answer with `decode` (a decoder that
    /// reads the bytes itself, ``JSONReader``); a ``JSONParseError`` from it is reported as a malformed answer,
    /// as ``json(target:body:deadline:)-(_,[UInt8],_)`` reports one.
    /// - Throws: ``AWSError``, or what `decode` throws other than a ``JSONParseError``.
    public func json<Output>(
        target: String,
        body: [UInt8],
        deadline: ContinuousClock.Instant?,
        decode: ([UInt8]) throws -> Output
    ) async throws -> Output {
        let response = try await sendJSON(target: target, body: body, deadline: deadline)
        do {
            return try decode(response.body)
        } catch let error as JSONParseError {
            throw malformed(target, response, "\(error)")
        }
    }

    /// Calls a JSON operation with a body already written and returns the raw successful response.
    /// - Throws: ``AWSError``.
    public func sendJSON(target: String, body: [UInt8], deadline: ContinuousClock.Instant?) async throws(AWSError)
        -> HTTPResponse
    {
        var headers: [(String, String)] = [
            ("Content-Type", "application/x-amz-json-\(service.jsonVersion ?? "1.0")"),
            ("X-Amz-Target", "\(service.jsonTargetPrefix ?? service.name).\(target)"),
        ]
        if service.isQueryCompatible { headers.append(("x-amzn-query-mode", "true")) }
        return try await send(operation: target, body: body, headers: headers, deadline: deadline)
    }

    /// Sends a `POST` with `body` and `headers` (all of which are signed) with retries, and returns the
    /// successful (2xx) response.
    /// - Throws: ``AWSError``: the decoded service error, or a connection / timeout / credentials error.
    public func send(
        operation: String,
        body: [UInt8],
        headers: [(String, String)],
        deadline: ContinuousClock.Instant?
    ) async throws(AWSError) -> HTTPResponse {
        var callLogger = logger
        callLogger[metadataKey: "aws.service"] = "\(service.name)"
        callLogger[metadataKey: "aws.operation"] = "\(operation)"
        let clock = ContinuousClock()
        var attempt = 1
        var lastRetryCost: Int?
        while true {
            var attemptTimeout = requestTimeout
            if let deadline {
                let remaining = clock.now.duration(to: deadline)
                guard remaining > .zero else {
                    throw fail(operation, timeoutError(operation, "the deadline passed before attempt \(attempt)"))
                }
                attemptTimeout = min(attemptTimeout, remaining)
            }
            let error: AWSError
            do {
                let response = try await attemptOnce(
                    operation: operation,
                    body: body,
                    headers: headers,
                    timeout: attemptTimeout,
                    attempt: attempt,
                    deadline: deadline,
                    logger: callLogger
                )
                if (200..<300).contains(response.status) {
                    retryBudget.recordSuccess(retryCost: lastRetryCost)
                    return response
                }
                error = AWSErrorDecoder.decode(response, service: service.name, operation: operation)
            } catch let attemptError {
                if attemptError.kind == .credentials || attemptError.kind == .configuration || attemptError.isAbandoned
                    || Task.isCancelled
                {
                    throw fail(operation, attemptError)
                }
                error = attemptError
            }
            var errorLogger = callLogger
            errorLogger[metadataKey: "aws.request_id"] = error.requestId.map { "\($0)" }
            errorLogger.debug(
                "AWS attempt failed",
                metadata: ["aws.attempt": "\(attempt)", "aws.error_code": "\(error.code)"]
            )
            guard let reason = RetryPolicy.retryReason(for: error), attempt < retry.maxAttempts else {
                throw fail(operation, error)
            }
            let delay = retry.delay(beforeRetry: attempt)
            if let deadline, clock.now.advanced(by: delay) >= deadline {
                throw fail(
                    operation,
                    timeoutError(operation, "the deadline leaves no time to retry after \(error.code)")
                )
            }
            guard let cost = retryBudget.takeRetry(reason: reason) else {
                // The service is failing for every caller: retrying now would only add to its load.
                errorLogger.debug("AWS retry budget exhausted; not retrying", metadata: ["aws.attempt": "\(attempt)"])
                throw fail(operation, error)
            }
            lastRetryCost = cost
            observer.awsCallRetried(service: service.name, action: operation, reason: reason)
            do {
                try await retry.sleep(delay)
            } catch {
                throw fail(
                    operation,
                    cancelledError(operation)
                )
            }
            attempt += 1
        }
    }

    private func attemptOnce(
        operation: String,
        body: [UInt8],
        headers: [(String, String)],
        timeout: Duration,
        attempt: Int,
        deadline: ContinuousClock.Instant?,
        logger: Logger
    ) async throws(AWSError) -> HTTPResponse {
        var allHeaders = [("Host", endpoint.hostHeader)] + headers
        if let credentialProvider {
            let credentials: AWSCredentials
            do {
                credentials = try await credentialProvider.credentials(deadline: deadline)
            } catch let error as AWSError {
                // A refresh still running at the deadline is a missed deadline, not a credentials failure.
                throw error.kind == .credentials || error.kind == .configuration || error.isAbandoned
                    ? error
                    : AWSError(
                        kind: .credentials,
                        service: error.service,
                        operation: error.operation,
                        code: error.code,
                        message: error.message,
                        httpStatus: error.httpStatus,
                        requestId: error.requestId
                    )
            } catch is CancellationError where Task.isCancelled {
                throw cancelledError(operation)
            } catch {
                throw AWSError(
                    kind: .credentials,
                    service: service.name,
                    operation: operation,
                    code: "CredentialsError",
                    message: "no credentials: \(error)"
                )
            }
            let signer = SigV4Signer(
                credentials: credentials,
                service: endpoint.signingName,
                region: endpoint.signingRegion,
                keyCache: signingKeys
            )
            allHeaders += signer.signedHeaders(
                method: "POST",
                path: endpoint.path,
                query: "",
                headers: allHeaders,
                body: body,
                date: now()
            )
        }
        observer.awsCallAttempted(service: service.name, action: operation)
        logger.debug("AWS request", metadata: ["aws.attempt": "\(attempt)"])
        let request = HTTPRequest(method: "POST", url: endpoint.url, headers: allHeaders, body: body)
        do {
            let response = try await transport.send(request, timeout: timeout)
            var responseLogger = logger
            responseLogger[metadataKey: "aws.request_id"] = response.header("x-amzn-RequestId").map { "\($0)" }
            responseLogger.debug("AWS response", metadata: ["http.status": "\(response.status)"])
            return response
        } catch let error as HTTPTransportError {
            throw AWSError(
                kind: error.kind == .timeout ? .timeout : .connection,
                service: service.name,
                operation: operation,
                code: error.kind == .timeout ? "Timeout" : "ConnectionError",
                message: error.message
            )
        } catch is CancellationError {
            throw cancelledError(operation)
        } catch {
            throw AWSError(
                kind: .connection,
                service: service.name,
                operation: operation,
                code: "ConnectionError",
                message: "\(error)"
            )
        }
    }

    private func fail(_ operation: String, _ error: AWSError) -> AWSError {
        observer.awsCallFailed(service: service.name, action: operation, code: error.code)
        return error
    }

    private func cancelledError(_ operation: String) -> AWSError {
        .cancelled(service: service.name, operation: operation)
    }

    private func timeoutError(_ operation: String, _ message: String) -> AWSError {
        .deadlineExceeded(service: service.name, operation: operation, message)
    }

    private func malformed(_ operation: String, _ response: HTTPResponse, _ detail: String) -> AWSError {
        fail(
            operation,
            AWSError(
                kind: .malformedResponse,
                service: service.name,
                operation: operation,
                code: "MalformedResponse",
                message: "could not decode the answer: \(detail)",
                httpStatus: response.status,
                requestId: response.header("x-amzn-RequestId")
            )
        )
    }
}
