import FoundationEssentials

/// A kind of object ``ResourceWatch`` can list and watch: where it lives, how its partial object decodes, and the
/// small record kept of it.
protocol WatchableResource: Sendable {
    /// The partial object: only the fields the record needs.
    associatedtype Object: Decodable & Sendable
    /// What is kept per object.
    associatedtype Record: Sendable & Equatable

    /// The plural resource name used in statistics, logs and errors: `services`, `targetgroupbindings`.
    var name: String { get }
    /// The collection's path for all namespaces, e.g. `/api/v1/services`.
    var path: String { get }
    /// Whether a 404 on the list means the resource type is not installed (a CRD), rather than an error.
    var mayBeAbsent: Bool { get }

    /// Sets what the decoder needs to know (the label allowlist) before it decodes objects of this resource.
    func configure(_ decoder: JSONDecoder)
    /// The object's metadata.
    func metadata(of object: Object) -> ObjectMetadata?
    /// The record to keep for `object`, or nil when the object is of no interest (it is then dropped if kept).
    func record(of object: Object, named name: KubernetesObjectName) -> Record?
}
