/// Counters of the directory's API traffic, for the exporter's self metrics. Monotonic for the directory's life.
public struct KubernetesAPIStatistics: Sendable, Equatable {
    /// What a request is counted by.
    public struct RequestKey: Sendable, Hashable {
        /// `list` or `watch`.
        public var verb: String
        /// `services` or `targetgroupbindings`.
        public var resource: String
        /// The HTTP status code, or `error` when no answer came (connection, TLS, timeout).
        public var code: String

        /// Creates a key.
        /// - Parameters:
        ///   - verb: `list` or `watch`.
        ///   - resource: The resource name.
        ///   - code: The status code, or `error`.
        public init(verb: String, resource: String, code: String) {
            self.verb = verb
            self.resource = resource
            self.code = code
        }
    }

    /// HTTP requests sent, by verb, resource and answer.
    public var requests: [RequestKey: Int] = [:]
    /// Watches opened again without a new list (the server ended the previous one, or it failed), by resource.
    public var watchRestarts: [String: Int] = [:]
    /// Lists after the first, by resource: after 410 Gone, after failures, and the not-installed retries.
    public var relists: [String: Int] = [:]
    /// Objects and events skipped because they lacked fields or had an unknown event type, by resource.
    public var skippedObjects: [String: Int] = [:]

    /// Empty counters.
    public init() {}

    /// The number of requests with this verb and resource, whatever the answer.
    /// - Parameters:
    ///   - verb: `list` or `watch`.
    ///   - resource: The resource name.
    /// - Returns: The sum over codes.
    public func requestCount(verb: String, resource: String) -> Int {
        requests.reduce(0) { $0 + ($1.key.verb == verb && $1.key.resource == resource ? $1.value : 0) }
    }
}
