/// The namespace and name that identify a namespaced Kubernetes object, such as a Service or a TargetGroupBinding.
public struct KubernetesObjectName: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The object's namespace, e.g. `default`.
    public var namespace: String
    /// The object's name within its namespace.
    public var name: String

    /// Creates a name from its two parts.
    /// - Parameters:
    ///   - namespace: The object's namespace.
    ///   - name: The object's name within the namespace.
    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }

    /// `namespace/name`, the way `kubectl` and the AWS controllers' tags write it.
    public var description: String { "\(namespace)/\(name)" }

    /// Orders by namespace, then name; used to pick one object deterministically when several claim the same key.
    public static func < (lhs: KubernetesObjectName, rhs: KubernetesObjectName) -> Bool {
        (lhs.namespace, lhs.name) < (rhs.namespace, rhs.name)
    }
}
