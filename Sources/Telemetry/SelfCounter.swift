/// The counters the exporter keeps about itself. They live for the whole process and survive reloads.
public enum SelfCounter: String, CaseIterable, Sendable {
    case cloudWatchRequests
    case metricsRequested
    case taggingRequests
    case awsAPIRequests
    case awsAPIErrors
    case awsAPIRetries
    case ruleErrors
    case tagRefreshErrors
    case storeHits
    case storeMisses
    case storeSavedRequests
    case storeSavedMetrics

    /// The family name, without `_total`.
    public var familyName: String {
        switch self {
        case .cloudWatchRequests: "cloudwatch_requests"
        case .metricsRequested: "cloudwatch_metrics_requested"
        case .taggingRequests: "tagging_api_requests"
        case .awsAPIRequests: "cloudwatch_exporter_aws_api_requests"
        case .awsAPIErrors: "cloudwatch_exporter_aws_api_errors"
        case .awsAPIRetries: "cloudwatch_exporter_aws_api_retries"
        case .ruleErrors: "cloudwatch_exporter_rule_errors"
        case .tagRefreshErrors: "cloudwatch_exporter_load_balancer_tags_refresh_errors"
        case .storeHits: "cloudwatch_exporter_datapoint_store_hits"
        case .storeMisses: "cloudwatch_exporter_datapoint_store_misses"
        case .storeSavedRequests: "cloudwatch_exporter_datapoint_store_saved_requests"
        case .storeSavedMetrics: "cloudwatch_exporter_datapoint_store_saved_metrics"
        }
    }

    /// The HELP text; the first three are cloudwatch_exporter's, verbatim.
    public var help: String {
        switch self {
        case .cloudWatchRequests: "API requests made to CloudWatch"
        case .metricsRequested: "Metrics requested by either GetMetricStatistics or GetMetricData"
        case .taggingRequests: "API requests made to the Resource Groups Tagging API"
        case .awsAPIRequests: "HTTP attempts sent to AWS APIs, by service and action."
        case .awsAPIErrors: "AWS API calls that failed after retries, by service, action and error code."
        case .awsAPIRetries:
            "AWS API attempts that were retried, by reason (throttling, server_error, connection, timeout)."
        case .ruleErrors: "Config rules that failed, wholly or partly, in a scrape, by error code."
        case .tagRefreshErrors: "Failed refreshes of the load balancer tag cache, by service."
        case .storeHits: "Dimension sets answered from the datapoint store, without a CloudWatch request."
        case .storeMisses:
            "Dimension sets fetched from CloudWatch because the datapoint store did not cover the window."
        case .storeSavedRequests:
            "CloudWatch requests a fresh fetch would have made for what the datapoint store answered."
        case .storeSavedMetrics:
            "Billed metrics a fresh fetch would have requested for what the datapoint store answered."
        }
    }

    /// The label names, in output order.
    public var labelNames: [String] {
        switch self {
        case .cloudWatchRequests: ["action", "namespace"]
        case .metricsRequested: ["metric_name", "namespace"]
        case .taggingRequests: ["action", "resource_type"]
        case .awsAPIRequests: ["service", "action"]
        case .awsAPIErrors: ["service", "action", "code"]
        case .awsAPIRetries: ["service", "action", "reason"]
        case .ruleErrors: ["namespace", "metric_name", "code"]
        case .tagRefreshErrors: ["service"]
        case .storeHits, .storeMisses: ["namespace", "metric_name"]
        case .storeSavedRequests: ["action", "namespace"]
        case .storeSavedMetrics: ["metric_name", "namespace"]
        }
    }
}
