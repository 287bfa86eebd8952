import AWSCore
import AWSSigV4
import Foundation
import Logging
import Synchronization
import Testing

@Suite struct AWSServiceCallerTests {
    let endpoint = AWSEndpoint(
        scheme: "https",
        host: "monitoring.us-east-1.amazonaws.com",
        signingRegion: "us-east-1",
        signingName: "monitoring"
    )

    func caller(
        _ transport: ScriptedTransport,
        observer: RecordingObserver = RecordingObserver(),
        sleeps: SleepRecorder = SleepRecorder(),
        maxAttempts: Int = 3,
        random: Double = 0.5,
        credentials: (any CredentialProvider)? = StaticCredentialProvider(testCredentials),
        service: AWSServiceDescriptor = .cloudWatch
    ) -> AWSServiceCaller {
        AWSServiceCaller(
            service: service,
            region: "us-east-1",
            endpoint: endpoint,
            credentials: credentials,
            transport: transport,
            retry: RetryPolicy(maxAttempts: maxAttempts, random: { random }, sleep: { sleeps.sleep($0) }),
            requestTimeout: .seconds(7),
            observer: observer,
            logger: Logger(label: "test"),
            now: { Date(timeIntervalSince1970: 1_768_478_400) }
        )
    }

    @Test func queryCallReturnsTheResultElementAndSendsAFormBody() async throws {
        let transport = ScriptedTransport([
            .respond(
                xmlResponse(
                    "<ListMetricsResponse><ListMetricsResult><NextToken>n</NextToken></ListMetricsResult></ListMetricsResponse>"
                )
            )
        ])
        var parameters = QueryParameters()
        parameters.set("Namespace", "AWS/ELB")
        let result = try await caller(transport).query(action: "ListMetrics", parameters: parameters, deadline: nil)
        #expect(result.string("NextToken") == "n")
        let request = try #require(transport.requests.first)
        #expect(request.method == "POST")
        #expect(request.url == "https://monitoring.us-east-1.amazonaws.com/")
        #expect(
            String(decoding: request.body, as: UTF8.self) == "Action=ListMetrics&Version=2010-08-01&Namespace=AWS%2FELB"
        )
        #expect(
            request.headers.contains {
                $0.0 == "Content-Type" && $0.1 == "application/x-www-form-urlencoded; charset=utf-8"
            }
        )
        #expect(request.headers.contains { $0.0 == "Host" && $0.1 == "monitoring.us-east-1.amazonaws.com" })
        #expect(request.headers.contains { $0.0.lowercased() == "authorization" })
        #expect(request.headers.contains { $0.0.lowercased() == "x-amz-date" })
        #expect(transport.timeouts == [.seconds(7)])
    }

    @Test func jsonCallSendsTargetAndQueryModeHeaders() async throws {
        let transport = ScriptedTransport([.respond(HTTPResponse(status: 200, body: Array(#"{"Metrics":[]}"#.utf8)))])
        let result = try await caller(transport).json(
            target: "ListMetrics",
            body: .object(["Namespace": .string("AWS/ELB")]),
            deadline: nil
        )
        #expect(result["Metrics"] == .array([]))
        let request = try #require(transport.requests.first)
        #expect(request.headers.contains { $0 == ("Content-Type", "application/x-amz-json-1.0") })
        #expect(request.headers.contains { $0 == ("X-Amz-Target", "GraniteServiceVersion20100801.ListMetrics") })
        #expect(request.headers.contains { $0 == ("x-amzn-query-mode", "true") })
        #expect(String(decoding: request.body, as: UTF8.self) == #"{"Namespace":"AWS/ELB"}"#)
    }

    @Test func taggingSpeaksJSON11WithoutQueryMode() async throws {
        let transport = ScriptedTransport([.respond(HTTPResponse(status: 200, body: Array("{}".utf8)))])
        _ = try await caller(transport, service: .tagging).json(
            target: "GetResources",
            body: .object([:]),
            deadline: nil
        )
        let request = try #require(transport.requests.first)
        #expect(request.headers.contains { $0 == ("Content-Type", "application/x-amz-json-1.1") })
        #expect(request.headers.contains { $0 == ("X-Amz-Target", "ResourceGroupsTaggingAPI_20170126.GetResources") })
        #expect(!request.headers.contains { $0.0 == "x-amzn-query-mode" })
        #expect(String(decoding: request.body, as: UTF8.self) == "{}")
    }

    @Test func unsignedCallsCarryNoAuthorization() async throws {
        let transport = ScriptedTransport([.respond(xmlResponse("<R><AssumeRoleWithWebIdentityResult/></R>"))])
        _ = try await caller(transport, credentials: nil, service: .sts)
            .query(action: "AssumeRoleWithWebIdentity", parameters: QueryParameters(), deadline: nil)
        let request = try #require(transport.requests.first)
        #expect(!request.headers.contains { $0.0.lowercased() == "authorization" || $0.0.lowercased() == "x-amz-date" })
    }

    @Test(arguments: [
        (xmlResponse(throttlingBody, status: 400), "throttling"),
        (HTTPResponse(status: 429), "throttling"),
        (HTTPResponse(status: 503), "server_error"),
        (HTTPResponse(status: 500, body: Array(#"{"__type":"InternalServiceError"}"#.utf8)), "server_error"),
    ])
    func retriesTransientAnswersWithJitteredBackoff(_ failure: HTTPResponse, _ reason: String) async throws {
        let transport = ScriptedTransport([
            .respond(failure), .respond(failure), .respond(xmlResponse("<R><OpResult/></R>")),
        ])
        let observer = RecordingObserver()
        let sleeps = SleepRecorder()
        _ = try await caller(transport, observer: observer, sleeps: sleeps).query(
            action: "Op",
            parameters: QueryParameters(),
            deadline: nil
        )
        #expect(transport.requests.count == 3)
        // full jitter with random() = 0.5: 0.5 * 200 ms, then 0.5 * 400 ms
        #expect(sleeps.recorded == [.milliseconds(100), .milliseconds(200)])
        #expect(
            observer.recorded == [
                "attempt cloudwatch Op", "retry cloudwatch Op \(reason)", "attempt cloudwatch Op",
                "retry cloudwatch Op \(reason)", "attempt cloudwatch Op",
            ]
        )
    }

    @Test func retriesConnectionErrorsAndTimeouts() async throws {
        let transport = ScriptedTransport([
            .fail(HTTPTransportError(kind: .connection, message: "refused")),
            .fail(HTTPTransportError(kind: .timeout, message: "read timeout")),
            .respond(xmlResponse("<R><OpResult/></R>")),
        ])
        let observer = RecordingObserver()
        _ = try await caller(transport, observer: observer).query(
            action: "Op",
            parameters: QueryParameters(),
            deadline: nil
        )
        #expect(
            observer.recorded.filter { $0.hasPrefix("retry") } == [
                "retry cloudwatch Op connection", "retry cloudwatch Op timeout",
            ]
        )
    }

    @Test func givesUpAfterMaxAttemptsWithTheLastError() async throws {
        let transport = ScriptedTransport(
            Array(repeating: .respond(xmlResponse(throttlingBody, status: 400)), count: 5)
        )
        let observer = RecordingObserver()
        let error = await #expect(throws: AWSError.self) {
            try await caller(transport, observer: observer).query(
                action: "Op",
                parameters: QueryParameters(),
                deadline: nil
            )
        }
        #expect(error?.code == "Throttling")
        #expect(error?.requestId == "req-1")
        #expect(transport.requests.count == 3)
        #expect(observer.recorded.last == "failed cloudwatch Op Throttling")
    }

    @Test(arguments: ["AccessDenied", "ValidationError", "InvalidParameterValue", "LoadBalancerNotFound"])
    func neverRetriesPermanentErrors(_ code: String) async throws {
        let body = "<ErrorResponse><Error><Code>\(code)</Code><Message>no</Message></Error></ErrorResponse>"
        let transport = ScriptedTransport([.respond(xmlResponse(body, status: 403))])
        let observer = RecordingObserver()
        let sleeps = SleepRecorder()
        await #expect(throws: AWSError.self) {
            try await caller(transport, observer: observer, sleeps: sleeps).query(
                action: "Op",
                parameters: QueryParameters(),
                deadline: nil
            )
        }
        #expect(transport.requests.count == 1)
        #expect(sleeps.recorded.isEmpty)
        #expect(observer.recorded == ["attempt cloudwatch Op", "failed cloudwatch Op \(code)"])
    }

    @Test func stopsWhenTheNextBackoffWouldCrossTheDeadline() async throws {
        let transport = ScriptedTransport(Array(repeating: .respond(HTTPResponse(status: 503)), count: 5))
        let observer = RecordingObserver()
        let sleeps = SleepRecorder()
        let service = caller(transport, observer: observer, sleeps: sleeps, maxAttempts: 10, random: 0.999)
        let retrying = AWSServiceCaller(
            service: .cloudWatch,
            region: "us-east-1",
            endpoint: endpoint,
            credentials: StaticCredentialProvider(testCredentials),
            transport: transport,
            retry: RetryPolicy(
                maxAttempts: 10,
                baseDelay: .seconds(30),
                maxDelay: .seconds(60),
                random: { 0.999 },
                sleep: { sleeps.sleep($0) }
            ),
            observer: observer,
            logger: Logger(label: "test")
        )
        _ = service
        let deadline = ContinuousClock.now.advanced(by: .seconds(20))
        let error = await #expect(throws: AWSError.self) {
            try await retrying.query(action: "Op", parameters: QueryParameters(), deadline: deadline)
        }
        #expect(error?.kind == .deadlineExceeded)
        #expect(error?.code == "Timeout")
        #expect(transport.requests.count == 1)
        #expect(sleeps.recorded.isEmpty)
        #expect(transport.timeouts.first.map { $0 <= .seconds(10) } == true)
        #expect(observer.recorded.last == "failed cloudwatch Op Timeout")
    }

    @Test func anExpiredDeadlineSendsNothing() async throws {
        let transport = ScriptedTransport([])
        let error = await #expect(throws: AWSError.self) {
            try await caller(transport).query(
                action: "Op",
                parameters: QueryParameters(),
                deadline: .now.advanced(by: .seconds(-1))
            )
        }
        #expect(error?.kind == .deadlineExceeded)
        #expect(transport.requests.isEmpty)
    }

    @Test func attemptTimeoutIsCappedByTheDeadline() async throws {
        let transport = ScriptedTransport([.respond(xmlResponse("<R/>"))])
        _ = try await caller(transport).query(
            action: "Op",
            parameters: QueryParameters(),
            deadline: .now.advanced(by: .seconds(2))
        )
        #expect(transport.timeouts.first.map { $0 <= .seconds(2) && $0 > .seconds(1) } == true)
    }

    @Test func malformedSuccessBodiesAreReportedNotRetried() async throws {
        let transport = ScriptedTransport([.respond(xmlResponse("<R><unclosed></R>"))])
        let error = await #expect(throws: AWSError.self) {
            try await caller(transport).query(action: "Op", parameters: QueryParameters(), deadline: nil)
        }
        #expect(error?.kind == .malformedResponse)
        #expect(transport.requests.count == 1)
    }

    @Test func credentialFailuresAreNotRetried() async throws {
        struct Failing: CredentialProvider {
            func credentials(deadline: ContinuousClock.Instant?) async throws -> AWSCredentials {
                throw CancellationError()
            }
        }
        let transport = ScriptedTransport([])
        let error = await #expect(throws: AWSError.self) {
            try await caller(transport, credentials: Failing()).query(
                action: "Op",
                parameters: QueryParameters(),
                deadline: nil
            )
        }
        #expect(error?.kind == .credentials)
        #expect(transport.requests.isEmpty)
    }

    /// A caller that signs with ``SecretMaterial`` and logs at trace level into `logs`.
    func secretCaller(
        _ transport: ScriptedTransport,
        credentials: any CredentialProvider,
        logs: LogCapture,
        observer: RecordingObserver,
        maxAttempts: Int
    ) -> AWSServiceCaller {
        AWSServiceCaller(
            service: .cloudWatch,
            region: "us-east-1",
            endpoint: endpoint,
            credentials: credentials,
            transport: transport,
            retry: RetryPolicy(maxAttempts: maxAttempts, random: { 0 }, sleep: { _ in }),
            observer: observer,
            logger: logs.logger,
            now: { Date(timeIntervalSince1970: 1_768_478_400) }
        )
    }

    /// Checks every string the caller produced (the error's description, message and other fields, its
    /// reflection, each log line with its metadata, each observer event) for the secret key and the session token.
    func expectNoSecrets(
        _ error: AWSError?,
        logs: LogCapture,
        observer: RecordingObserver,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let error = try #require(error, sourceLocation: sourceLocation)
        var produced = [
            "\(error)", String(reflecting: error), error.description, error.message, error.code, error.service,
            error.operation, error.requestId ?? "", error.localizedDescription,
        ]
        produced += Mirror(reflecting: error).children.map { "\($0.value)" }
        produced += logs.messages + observer.recorded
        // The capture did see the per-attempt debug lines, so a leak into a log would show here.
        #expect(logs.messages.contains { $0.contains("AWS request") }, sourceLocation: sourceLocation)
        for secret in [SecretMaterial.credentials.secretAccessKey, SecretMaterial.sessionToken] {
            let leaks = produced.filter { $0.contains(secret) }
            #expect(leaks.isEmpty, "secret material in \(leaks)", sourceLocation: sourceLocation)
        }
    }

    @Test func aCredentialFailureAfterASignedAttemptKeepsSecretsOut() async throws {
        // Attempt 1 is signed with the secret and the token and answered 503; fetching credentials for attempt 2
        // fails, which is not retried.
        let provider = SecretMaterial.FirstCallOnly()
        let transport = ScriptedTransport([.respond(xmlResponse("<ErrorResponse/>", status: 503))])
        let logs = LogCapture()
        let observer = RecordingObserver()
        let error = await #expect(throws: AWSError.self) {
            try await secretCaller(transport, credentials: provider, logs: logs, observer: observer, maxAttempts: 3)
                .query(action: "Op", parameters: QueryParameters(), deadline: nil)
        }
        #expect(error?.kind == .credentials)
        #expect(transport.requests.count == 1)
        // The token really was in play: it went out on the wire.
        #expect(
            transport.requests.first?.headers.contains {
                $0.0.lowercased() == "x-amz-security-token" && $0.1 == SecretMaterial.sessionToken
            } == true
        )
        try expectNoSecrets(error, logs: logs, observer: observer)
    }

    @Test func exhaustedRetriesKeepSecretsOut() async throws {
        let transport = ScriptedTransport([
            .respond(xmlResponse("<ErrorResponse/>", status: 503)),
            .fail(HTTPTransportError(kind: .connection, message: "connection reset by peer")),
        ])
        let logs = LogCapture()
        let observer = RecordingObserver()
        let error = await #expect(throws: AWSError.self) {
            try await secretCaller(
                transport,
                credentials: StaticCredentialProvider(SecretMaterial.credentials),
                logs: logs,
                observer: observer,
                maxAttempts: 2
            ).query(action: "Op", parameters: QueryParameters(), deadline: nil)
        }
        #expect(error?.code == "ConnectionError")
        #expect(transport.requests.count == 2)
        try expectNoSecrets(error, logs: logs, observer: observer)
    }

    @Test func credentialsDescribeThemselvesWithoutTheSecretOrTheToken() {
        let credentials = SecretMaterial.credentials
        for text in ["\(credentials)", String(reflecting: credentials), credentials.description] {
            #expect(text.contains(credentials.accessKeyId))
            #expect(!text.contains(credentials.secretAccessKey))
            #expect(!text.contains(SecretMaterial.sessionToken))
        }
    }

    @Test func signsOnlyTheMinimalHeaderSetAndTheSessionToken() async throws {
        let transport = ScriptedTransport([.respond(HTTPResponse(status: 200, body: Array("{}".utf8)))])
        var credentials = testCredentials
        credentials.sessionToken = "session-token"
        _ = try await caller(transport, credentials: StaticCredentialProvider(credentials))
            .json(target: "GetMetricData", body: .object([:]), deadline: nil)
        let request = try #require(transport.requests.first)
        let authorization = try #require(request.headers.first { $0.0.lowercased() == "authorization" }?.1)
        #expect(
            authorization.contains(
                "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target;x-amzn-query-mode,"
            )
        )
        #expect(authorization.contains("Credential=AKIDEXAMPLE/20260115/us-east-1/monitoring/aws4_request"))
        #expect(request.headers.contains { $0.0.lowercased() == "x-amz-security-token" && $0.1 == "session-token" })
        #expect(request.headers.first { $0.0.lowercased() == "x-amz-date" }?.1 == "20260115T120000Z")
    }

    @Test func everyAttemptIsSignedAfresh() async throws {
        let transport = ScriptedTransport([.respond(HTTPResponse(status: 503)), .respond(xmlResponse("<R/>"))])
        let ticks = Mutex<Double>(1_768_478_400)
        let retrying = AWSServiceCaller(
            service: .cloudWatch,
            region: "us-east-1",
            endpoint: endpoint,
            credentials: StaticCredentialProvider(testCredentials),
            transport: transport,
            retry: RetryPolicy(random: { 0 }, sleep: { _ in }),
            logger: Logger(label: "test"),
            now: {
                Date(
                    timeIntervalSince1970: ticks.withLock {
                        $0 += 1; return $0
                    }
                )
            }
        )
        _ = try await retrying.query(action: "Op", parameters: QueryParameters(), deadline: nil)
        let dates = transport.requests.map { $0.headers.first { $0.0.lowercased() == "x-amz-date" }?.1 }
        #expect(dates == ["20260115T120001Z", "20260115T120002Z"])
    }

    @Test func retryDelaysGrowAndAreCapped() {
        let policy = RetryPolicy(baseDelay: .milliseconds(200), maxDelay: .seconds(1), random: { 1.0 })
        #expect(
            (1...5).map { policy.delay(beforeRetry: $0) } == [
                .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1), .seconds(1),
            ]
        )
        let zero = RetryPolicy(random: { 0 })
        #expect(zero.delay(beforeRetry: 3) == .zero)
        #expect(RetryPolicy(maxAttempts: 0).maxAttempts == 1)
    }
}
