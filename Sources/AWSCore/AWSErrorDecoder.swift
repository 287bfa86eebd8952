/// Turns an unsuccessful HTTP response into an ``AWSError``.
///
/// Understands the Query `<ErrorResponse>`, the EC2-style `<Response><Errors>` (moto uses it for auth errors on
/// every service), and JSON 1.0 / 1.1 errors including CloudWatch's `x-amzn-query-error` header, which wins
/// so that codes match between the two CloudWatch protocols.
public enum AWSErrorDecoder {
    /// Decodes the error in `response`.
    /// - Parameters:
    ///   - response: A response with a status outside 200...299.
    ///   - service: The service name for the error (`cloudwatch`, ...).
    ///   - operation: The operation name.
    public static func decode(_ response: HTTPResponse, service: String, operation: String) -> AWSError {
        var code: String?
        var message = ""
        var requestId = response.header("x-amzn-RequestId") ?? response.header("x-amz-request-id")

        let body = response.body
        let firstByte = body.first { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }
        if firstByte == UInt8(ascii: "<"), let root = try? XMLReader.parse(body) {
            let error = root.path(["Error"]) ?? root.path(["Errors", "Error"])
            code = error?.string("Code")?.trimmingASCIIWhitespace()
            message = error?.string("Message") ?? ""
            if requestId == nil {
                requestId =
                    root.string("RequestId") ?? root.string("RequestID")
                    ?? root.path(["ResponseMetadata", "RequestId"])?.text
            }
        } else if firstByte == UInt8(ascii: "{"), let json = try? JSONValue.parse(body) {
            code = (json["__type"]?.stringValue ?? json["code"]?.stringValue).map(normalizeJSONCode)
            message = json["message"]?.stringValue ?? json["Message"]?.stringValue ?? ""
        }
        if code == nil || code == "", let header = response.header("X-Amzn-Errortype") {
            code = normalizeJSONCode(header)
        }
        if let queryError = response.header("x-amzn-query-error"),
            let queryCode = queryError.split(separator: ";", maxSplits: 1).first, !queryCode.isEmpty
        {
            code = String(queryCode)
        }

        guard let code, !code.isEmpty else {
            let kind: AWSError.Kind =
                response.status == 429 ? .throttling : response.status >= 500 ? .service : .malformedResponse
            return AWSError(
                kind: kind,
                service: service,
                operation: operation,
                code: response.status == 429
                    ? "TooManyRequests" : response.status >= 500 ? "HTTP\(response.status)" : "MalformedResponse",
                message: "HTTP \(response.status) without a recognisable AWS error body",
                httpStatus: response.status,
                requestId: requestId
            )
        }
        return AWSError(
            kind: kind(code: code, status: response.status),
            service: service,
            operation: operation,
            code: code,
            message: message,
            httpStatus: response.status,
            requestId: requestId
        )
    }

    /// `aws.protocoltests#FooError:http://internal` → `FooError`.
    public static func normalizeJSONCode(_ raw: String) -> String {
        var code = Substring(raw)
        if let colon = code.firstIndex(of: ":") { code = code[..<colon] }
        if let hash = code.lastIndex(of: "#") { code = code[code.index(after: hash)...] }
        return String(code).trimmingASCIIWhitespace()
    }

    /// The error codes that mean "slow down" (botocore's throttling list).
    public static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
        "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown",
        "PriorRequestNotComplete", "EC2ThrottledException",
    ]

    /// Codes that are transient although they are not throttling.
    public static let transientCodes: Set<String> = [
        "RequestTimeout", "RequestTimeoutException", "IDPCommunicationError", "InternalServiceError",
        "InternalFailure", "ServiceUnavailable",
    ]

    /// Classifies an AWS error code and HTTP status.
    public static func kind(code: String, status: Int) -> AWSError.Kind {
        if throttlingCodes.contains(code) || status == 429 { return .throttling }
        if code.hasPrefix("AccessDenied") || code == "UnauthorizedOperation" || code == "InvalidClientTokenId"
            || code == "SignatureDoesNotMatch" || code.hasPrefix("ExpiredToken")
            || code == "UnrecognizedClientException"
            || code == "InvalidSignatureException" || code == "MissingAuthenticationToken"
        {
            return .accessDenied
        }
        if code == "ValidationError" || code == "ValidationException" || code.hasPrefix("InvalidParameter")
            || code.hasPrefix("MissingParameter") || code == "MissingRequiredParameterException"
        {
            return .validation
        }
        if code.hasSuffix("NotFound") || code.hasSuffix("NotFoundException") { return .notFound }
        if status >= 500 || transientCodes.contains(code) { return .service }
        return .service
    }
}
