/// How much a document may make the composer do. The defaults are far above any configuration file and far below
/// what would hurt: input from users is hostile until composed.
public struct YAMLLimits: Sendable {
    /// Aliases may add this many nodes in all: each alias adds its anchor's node count, nested aliases included. A
    /// "billion laughs" document (anchors of anchors, each alias doubling the tree) is refused at the alias that
    /// crosses it, instead of expanding.
    public var aliasedNodes: Int
    /// Collections may start at most this many levels deep. libyaml 0.2.5 has no limit of its own; this is the one
    /// libyaml later added (and Yams' copy had, so messages and positions stay the same), checked the same way: when a
    /// collection starts, the scanner's indentation levels plus its open flow collections must stay below it.
    public var nestingLevels: Int

    /// Limits from their values; the defaults are 100,000 aliased nodes and 1,000 nesting levels.
    public init(aliasedNodes: Int = 100_000, nestingLevels: Int = 1_000) {
        self.aliasedNodes = aliasedNodes
        self.nestingLevels = nestingLevels
    }
}
