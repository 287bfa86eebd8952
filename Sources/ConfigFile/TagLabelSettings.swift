/// `tag_labels`: which load balancer tags become labels on every CloudWatch sample (our key; upstream ignores it).
///
/// The top-level block sets the defaults; a rule's own `tag_labels` overrides them field by field (a rule's
/// `tags` replaces the whole top-level `tags` map). `infoMetric` and `cacheTTLSeconds` are global only.
public struct TagLabelSettings: Sendable, Hashable {
    /// `enabled`: attach tag labels at all (default true).
    public var enabled: Bool
    /// `kubernetes`: derive `namespace`, `service`, `ingress` and the cluster label from Kubernetes tags
    /// (default true).
    public var kubernetes: Bool
    /// `cluster_label`: the label name for the Kubernetes cluster name; `nil` when disabled with `""`
    /// (default `cluster`).
    public var clusterLabel: String?
    /// `tags`: extra tag keys mapped to label names, in config order.
    public var tags: [TagLabel]
    /// `all_tags`: every tag as `tag_<sanitised key>` (default false).
    public var allTags: Bool
    /// `info_metric` (global only): emit `aws_elb_tags` (default true).
    public var infoMetric: Bool
    /// `cache_ttl_seconds` (global only): how long load balancer tags are cached, ≥ 10 (default 300).
    public var cacheTTLSeconds: Int

    /// Creates settings with the documented defaults.
    public init(
        enabled: Bool = true,
        kubernetes: Bool = true,
        clusterLabel: String? = "cluster",
        tags: [TagLabel] = [],
        allTags: Bool = false,
        infoMetric: Bool = true,
        cacheTTLSeconds: Int = 300
    ) {
        self.enabled = enabled
        self.kubernetes = kubernetes
        self.clusterLabel = clusterLabel
        self.tags = tags
        self.allTags = allTags
        self.infoMetric = infoMetric
        self.cacheTTLSeconds = cacheTTLSeconds
    }
}

/// One entry of `tag_labels.tags`: the AWS tag key and the label name it becomes.
public struct TagLabel: Sendable, Hashable {
    /// The AWS tag key, e.g. `team` or `kubernetes.io/service-name`.
    public var tagKey: String
    /// The Prometheus label name, matching `[a-zA-Z_][a-zA-Z0-9_]*` and not starting with `__`.
    public var labelName: String

    /// Creates a tag-to-label mapping.
    public init(tagKey: String, labelName: String) {
        self.tagKey = tagKey
        self.labelName = labelName
    }
}
