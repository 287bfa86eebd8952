import AWSCore

enum AWSErrorFixture {
    static let throttled = AWSError(
        kind: .throttling,
        service: "cloudwatch",
        operation: "GetMetricStatistics",
        code: "Throttling",
        message: "Rate exceeded",
        httpStatus: 400
    )
    static let accessDenied = AWSError(
        kind: .accessDenied,
        service: "elb",
        operation: "DescribeLoadBalancers",
        code: "AccessDenied",
        message: "not authorized",
        httpStatus: 403
    )
}
