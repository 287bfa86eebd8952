/// The TargetGroupBindings kept, indexed by the target group part of their ARN (`targetgroup/<name>/<id>`), which is
/// also CloudWatch's `TargetGroup` dimension value.
struct TargetGroupBindingTable: Sendable {
    private(set) var bindings: [KubernetesObjectName: KubernetesTargetGroupBinding] = [:]
    private var byTargetGroup = ClaimIndex<KubernetesObjectName>()

    init() {}

    /// A table of exactly these bindings (after a list).
    init(_ bindings: [KubernetesObjectName: KubernetesTargetGroupBinding]) {
        self.bindings = bindings
        for (name, binding) in bindings { byTargetGroup.add(Self.indexKey(binding.targetGroupARN), name) }
    }

    /// Sets or removes (nil) one binding.
    /// - Returns: Whether anything changed.
    mutating func set(_ name: KubernetesObjectName, _ binding: KubernetesTargetGroupBinding?) -> Bool {
        let old = bindings[name]
        guard old != binding else { return false }
        if let old { byTargetGroup.remove(Self.indexKey(old.targetGroupARN), name) }
        if let binding { byTargetGroup.add(Self.indexKey(binding.targetGroupARN), name) }
        bindings[name] = binding
        return true
    }

    /// The binding of exactly this target group ARN.
    func binding(forARN arn: String) -> KubernetesTargetGroupBinding? {
        byTargetGroup.firstOwner(of: Self.indexKey(arn)) { bindings[$0]?.targetGroupARN == arn }
            .flatMap { bindings[$0] }
    }

    /// The binding of the target group with this CloudWatch `TargetGroup` dimension value (`targetgroup/name/id`).
    func binding(forDimension dimension: String) -> KubernetesTargetGroupBinding? {
        byTargetGroup.firstOwner(of: dimension).flatMap { bindings[$0] }
    }

    /// The resource part of the ARN, or the whole string when it is not an ARN.
    private static func indexKey(_ arn: String) -> String {
        KubernetesTargetGroupBinding.resourcePart(ofARN: arn) ?? arn
    }
}
