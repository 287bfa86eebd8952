/// The wire protocols the client speaks.
public enum AWSWireProtocol: String, Sendable, Hashable {
    /// awsQuery: form-encoded POST, XML answers (ELB, ELBv2, STS; CloudWatch optionally).
    case query
    /// awsJson 1.0 (CloudWatch, with `x-amzn-query-mode: true`).
    case json10
    /// awsJson 1.1 (Resource Groups Tagging API).
    case json11
}
