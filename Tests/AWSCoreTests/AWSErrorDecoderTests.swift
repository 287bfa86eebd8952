import AWSCore
import AWSTestSupport
import Foundation
import Testing

@Suite struct AWSErrorDecoderTests {
    /// The AWS-shaped error bodies, compared with what botocore decodes from them.
    @Test(arguments: [
        ("cloudwatch-query-error-throttling", AWSError.Kind.throttling),
        ("elb-query-error-throttling", .throttling),
        ("sts-query-error-expired-token", .accessDenied),
        ("tagging-json11-error-throttled", .throttling),
        ("cloudwatch-json-error-query-compatible", .validation),
    ])
    func decodesLikeBotocore(_ name: String, _ kind: AWSError.Kind) throws {
        let response = try WireFixture.load("\(name).http").response
        let parsed = try #require(try WireFixture.json("\(name).parsed.json") as? [String: Any])
        let expectedError = try #require(parsed["Error"] as? [String: Any])
        let metadata = try #require(parsed["ResponseMetadata"] as? [String: Any])
        let error = AWSErrorDecoder.decode(response, service: "svc", operation: "Op")
        #expect(error.code == expectedError["Code"] as? String)
        #expect(error.message == expectedError["Message"] as? String)
        #expect(error.httpStatus == metadata["HTTPStatusCode"] as? Int)
        #expect(error.requestId == metadata["RequestId"] as? String)
        #expect(error.kind == kind)
        #expect(error.service == "svc" && error.operation == "Op")
    }

    @Test(arguments: [
        ("cloudwatch-json-GetMetricData-error.txt", "ValidationError", AWSError.Kind.validation),
        ("cloudwatch-json-GetMetricStatistics-error.txt", "InvalidParameterValue", .validation),
        ("cloudwatch-json-ListMetrics-reused-token-error.txt", "InvalidParameterValue", .validation),
        ("cloudwatch-query-GetMetricData-error.txt", "ValidationError", .validation),
        ("cloudwatch-query-GetMetricStatistics-error.txt", "InvalidParameterValue", .validation),
        ("cloudwatch-query-ListMetrics-reused-token-error.txt", "InvalidParameterValue", .validation),
        ("elb-DescribeLoadBalancers-error.txt", "LoadBalancerNotFound", .notFound),
        ("elbv2-DescribeLoadBalancers-error.txt", "LoadBalancerNotFound", .notFound),
        ("tagging-GetResources-error.txt", "PaginationTokenExpiredException", .service),
    ])
    func decodesMotoErrors(_ name: String, _ code: String, _ kind: AWSError.Kind) throws {
        let response = try WireFixture.load(name).response
        let error = AWSErrorDecoder.decode(response, service: "svc", operation: "Op")
        #expect(error.code == code)
        #expect(error.kind == kind)
        #expect(error.httpStatus == 400)
        #expect(!error.message.isEmpty)
        #expect(error.requestId == response.header("x-amzn-requestid"))
        #expect(RetryPolicy.retryReason(for: error) == nil)
    }

    @Test func readsEC2StyleAuthErrorsAndTheirRequestId() {
        let body = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Response><Errors><Error><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message></Error></Errors><RequestID>abc-123</RequestID></Response>
            """
        let error = AWSErrorDecoder.decode(
            HTTPResponse(status: 403, body: Array(body.utf8)),
            service: "cloudwatch",
            operation: "ListMetrics"
        )
        #expect(error.code == "InvalidClientTokenId")
        #expect(error.kind == .accessDenied)
        #expect(error.requestId == "abc-123")
        #expect(error.message == "The security token included in the request is invalid.")
    }

    @Test func normalisesJSONTypesAndFallsBackToTheErrorTypeHeader() {
        #expect(
            AWSErrorDecoder.normalizeJSONCode("aws.protocoltests.json10#FooError:http://internal.amazon.com/")
                == "FooError"
        )
        #expect(AWSErrorDecoder.normalizeJSONCode("FooError:http://x") == "FooError")
        #expect(AWSErrorDecoder.normalizeJSONCode("ThrottlingException") == "ThrottlingException")
        let response = HTTPResponse(
            status: 400,
            headers: [("X-Amzn-Errortype", "com.amazon#ThrottlingException:http://x"), ("x-amzn-RequestId", "r1")],
            body: Array(#"{"code":""}"#.utf8)
        )
        let error = AWSErrorDecoder.decode(response, service: "tagging", operation: "GetResources")
        #expect(error.code == "ThrottlingException")
        #expect(error.kind == .throttling)
        #expect(error.requestId == "r1")
    }

    @Test func queryErrorHeaderWinsOverTheJSONType() {
        let response = HTTPResponse(
            status: 400,
            headers: [("x-amzn-query-error", "Throttling;Sender")],
            body: Array(
                #"{"__type":"com.amazonaws.cloudwatch#ThrottlingExceptionShape","message":"Rate exceeded"}"#.utf8
            )
        )
        let error = AWSErrorDecoder.decode(response, service: "cloudwatch", operation: "GetMetricData")
        #expect(error.code == "Throttling")
        #expect(error.kind == .throttling)
        #expect(error.message == "Rate exceeded")
    }

    @Test func classifiesStatusesWithoutAnErrorBody() {
        let throttled = AWSErrorDecoder.decode(HTTPResponse(status: 429), service: "s", operation: "o")
        #expect(throttled.kind == .throttling)
        let unavailable = AWSErrorDecoder.decode(
            HTTPResponse(status: 503, body: Array("<html>".utf8)),
            service: "s",
            operation: "o"
        )
        #expect(unavailable.kind == .service)
        #expect(RetryPolicy.retryReason(for: unavailable) == "server_error")
        let garbage = AWSErrorDecoder.decode(
            HTTPResponse(status: 400, body: Array("oops".utf8)),
            service: "s",
            operation: "o"
        )
        #expect(garbage.kind == .malformedResponse)
    }

    @Test(arguments: [
        ("Throttling", 400, AWSError.Kind.throttling), ("ThrottlingException", 400, .throttling),
        ("ThrottledException", 400, .throttling), ("RequestThrottledException", 400, .throttling),
        ("TooManyRequestsException", 400, .throttling), ("RequestLimitExceeded", 503, .throttling),
        ("ProvisionedThroughputExceededException", 400, .throttling), ("LimitExceededException", 400, .throttling),
        ("BandwidthLimitExceeded", 400, .throttling), ("RequestThrottled", 400, .throttling),
        ("SlowDown", 503, .throttling), ("PriorRequestNotComplete", 400, .throttling),
        ("EC2ThrottledException", 400, .throttling), ("Whatever", 429, .throttling),
        ("AccessDenied", 403, .accessDenied), ("AccessDeniedException", 400, .accessDenied),
        ("UnauthorizedOperation", 403, .accessDenied), ("InvalidClientTokenId", 403, .accessDenied),
        ("SignatureDoesNotMatch", 403, .accessDenied), ("ExpiredToken", 400, .accessDenied),
        ("ExpiredTokenException", 400, .accessDenied), ("ValidationError", 400, .validation),
        ("InvalidParameterValue", 400, .validation), ("InvalidParameterCombination", 400, .validation),
        ("MissingParameter", 400, .validation), ("LoadBalancerNotFound", 400, .notFound),
        ("ResourceNotFoundException", 400, .notFound), ("InternalServiceError", 500, .service),
        ("LimitExceeded", 400, .service),
    ])
    func classifiesCodes(_ code: String, _ status: Int, _ kind: AWSError.Kind) {
        #expect(AWSErrorDecoder.kind(code: code, status: status) == kind)
    }
}
