/// A kept object that is found by strings it claims: a Service by its load balancer hostnames, a TargetGroupBinding
/// by its target group.
protocol IndexedRecord: Sendable, Equatable {
    /// The strings the object is found by, already in the form lookups use.
    var indexKeys: [String] { get }
}

/// The objects of one resource the directory keeps, by name, with an index from the strings they claim.
struct ObjectTable<Record: IndexedRecord>: Sendable {
    private(set) var objects: [KubernetesObjectName: Record] = [:]
    private var index = ClaimIndex<KubernetesObjectName>()

    init() {}

    /// A table of exactly these objects (after a list).
    init(_ objects: [KubernetesObjectName: Record]) {
        self.objects = objects
        for (name, record) in objects {
            for key in record.indexKeys { index.add(key, name) }
        }
    }

    /// Sets or removes (nil) one object.
    /// - Returns: Whether anything changed.
    mutating func set(_ name: KubernetesObjectName, _ record: Record?) -> Bool {
        let old = objects[name]
        guard old != record else { return false }
        for key in old?.indexKeys ?? [] { index.remove(key, name) }
        for key in record?.indexKeys ?? [] { index.add(key, name) }
        objects[name] = record
        return true
    }

    /// The object with the smallest name among those that claim `key` and satisfy `matches`.
    func first(claiming key: String, where matches: (Record) -> Bool = { _ in true }) -> Record? {
        index.firstOwner(of: key) { objects[$0].map(matches) ?? false }.flatMap { objects[$0] }
    }
}

extension KubernetesService: IndexedRecord {
    var indexKeys: [String] { loadBalancerHostnames }
}

extension KubernetesTargetGroupBinding: IndexedRecord {
    /// The resource part of the ARN (`targetgroup/<name>/<id>`, also CloudWatch's `TargetGroup` dimension value), or
    /// the whole string when it is not an ARN.
    var indexKeys: [String] { [Self.resourcePart(ofARN: targetGroupARN) ?? targetGroupARN] }
}
