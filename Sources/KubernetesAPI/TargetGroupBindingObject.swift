/// The fields of an `elbv2.k8s.aws` TargetGroupBinding the directory reads: metadata, `spec.targetGroupARN` and
/// `spec.serviceRef`.
struct TargetGroupBindingObject: Decodable, Sendable {
    struct Spec: Decodable, Sendable {
        struct ServiceReference: Decodable, Sendable {
            var name: String?
            var port: Lossy<PortValue>?
        }
        var targetGroupARN: String?
        var serviceRef: ServiceReference?
    }

    /// An IntOrString: a port number or a port name.
    struct PortValue: Decodable, Sendable {
        var port: KubernetesServicePort?

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            // Decoding as Int fails (does not trap) for fractions and numbers beyond Int; those are not ports.
            if let number = try? container.decode(Int.self) {
                port = (0...65535).contains(number) ? .number(number) : nil
            } else if let name = try? container.decode(String.self), !name.isEmpty {
                port = .name(name)
            } else {
                port = nil
            }
        }
    }

    var metadata: ObjectMetadata?
    var spec: Spec?
}
