/// A target group name as the AWS Load Balancer Controller and cloud-provider-aws build it:
/// `k8s-<namespace>-<service>-<hash>`, the namespace and the Service with every non-alphanumeric character removed
/// and cut to 8 characters, the hash 10 hex digits (`fmt.Sprintf("k8s-%.8s-%.8s-%.10s", …)`: nothing is padded,
/// so a short namespace or Service stays short).
struct ControllerTargetGroupName: Equatable {
    /// The namespace part: 1-8 alphanumerics.
    var namespacePart: Substring
    /// The Service part: 1-8 alphanumerics.
    var servicePart: Substring

    /// The length of the hash part.
    static let hashLength = 10

    /// Reads `name`, or nil when it is not in the controllers' shape (a user-named or Gateway route target group may
    /// still happen to be).
    init?(_ name: String) {
        guard name.hasPrefix("k8s-") else { return nil }
        let parts = name.dropFirst(4).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        let (namespacePart, servicePart, hash) = (parts[0], parts[1], parts[2])
        let isPart: (Substring) -> Bool = { part in
            (1...KubernetesNameRules.namePartLength).contains(part.utf8.count)
                && part.utf8.allSatisfy { KubernetesNameRules.isLowerAlphanumeric($0) }
        }
        let isHexDigit: (UInt8) -> Bool = {
            KubernetesNameRules.isDigit($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0)
        }
        guard isPart(namespacePart), isPart(servicePart), hash.utf8.count == Self.hashLength,
            hash.utf8.allSatisfy(isHexDigit)
        else { return nil }
        self.namespacePart = namespacePart
        self.servicePart = servicePart
    }

    /// Whether the controller would have written this name for a target group of `service` in `namespace`.
    func fits(namespace: Substring, service: Substring) -> Bool {
        KubernetesNameRules.namePart(namespace) == namespacePart && KubernetesNameRules.namePart(service) == servicePart
    }
}
