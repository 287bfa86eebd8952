/// One DescribeTargetGroups page.
public struct TargetGroupPage: Sendable, Hashable {
    /// The target groups of this page.
    public var targetGroups: [TargetGroup]
    /// The marker of the next page; nil when absent or empty.
    public var nextMarker: String?

    /// Creates a value.
    public init(
        targetGroups: [TargetGroup] = [],
        nextMarker: String? = nil
    ) {
        self.targetGroups = targetGroups
        self.nextMarker = nextMarker
    }
}
