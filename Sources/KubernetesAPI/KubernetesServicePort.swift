/// The port a TargetGroupBinding's `spec.serviceRef.port` names: a number or the name of one of the Service's ports.
public enum KubernetesServicePort: Sendable, Hashable, CustomStringConvertible {
    /// A port number, `0...65535`.
    case number(Int)
    /// The `name` of a port in the Service's `spec.ports`.
    case name(String)

    /// The number or the name, as written in the object.
    public var description: String {
        switch self {
        case .number(let number): String(number)
        case .name(let name): name
        }
    }
}
