/// `aws_tag_select`: restrict a rule to resources with certain tags (Resource Groups Tagging API).
public struct TagSelect: Sendable, Hashable {
    /// The default `arn_resource_id_regexp`: the last path segment, or everything after the resource type.
    public static let defaultARNResourceIdRegexp = "(?:([^:/]+)|[^:/]+/([^:]+))$"

    /// `resource_type_selection`, e.g. `ec2:instance` or `elasticloadbalancing:loadbalancer/app`.
    public var resourceTypeSelection: String
    /// `resource_id_dimension`: the CloudWatch dimension whose value must be the resource id from the ARN.
    public var resourceIdDimension: String
    /// `tag_selections`: tag key → allowed values, in config order; `nil` when absent (no tag filter).
    public var tagSelections: [TagSelection]?
    /// `arn_resource_id_regexp`: searched (not anchored) in each ARN; the first non-empty group is the id.
    /// Compiled at load time.
    public var arnResourceIdRegexp: String

    /// Creates a tag select.
    public init(
        resourceTypeSelection: String,
        resourceIdDimension: String,
        tagSelections: [TagSelection]? = nil,
        arnResourceIdRegexp: String = TagSelect.defaultARNResourceIdRegexp
    ) {
        self.resourceTypeSelection = resourceTypeSelection
        self.resourceIdDimension = resourceIdDimension
        self.tagSelections = tagSelections
        self.arnResourceIdRegexp = arnResourceIdRegexp
    }
}

/// One `tag_selections` entry, which becomes one Tagging API `TagFilter`.
public struct TagSelection: Sendable, Hashable {
    /// The tag key.
    public var key: String
    /// The allowed values.
    public var values: [String]

    /// Creates a tag selection.
    public init(key: String, values: [String]) {
        self.key = key
        self.values = values
    }
}
