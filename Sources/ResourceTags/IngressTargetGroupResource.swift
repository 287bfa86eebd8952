/// The AWS Load Balancer Controller's resource id of an Ingress target group, `<namespace>/<ingress>-<service>:<port>`
/// (`buildTargetGroupResourceID` in `pkg/ingress/model_build_target_group.go`).
///
/// The `-` between the Ingress and the Service is not marked: `shop/shop-web-checkout-api:8080` reads as Ingress
/// `shop` and Service `web-checkout-api`, `shop-web` and `checkout-api`, or `shop-web-checkout` and `api`.
/// ``readings`` lists the readings whose parts are valid names.
struct IngressTargetGroupResource {
    /// The namespace of the Ingress (and of its backend Services).
    var namespace: Substring
    /// `<ingress>-<service>`, not split.
    var ingressAndService: Substring
    /// What follows the last `:`, when it is a valid Service port; nil otherwise.
    var port: Substring?

    /// The longest `<ingress>-<service>` there can be: an Ingress name, `-`, a Service name.
    static let maximumPairLength =
        KubernetesNameRules.maximumSubdomainLength + 1 + KubernetesNameRules.maximumLabelLength

    /// Reads `value`, or nil when it is not a resource id of this shape.
    init?(_ value: String) {
        guard let slash = value.firstIndex(of: "/"), let colon = value.lastIndex(of: ":"), slash < colon else {
            return nil
        }
        let namespace = value[..<slash]
        let pair = value[value.index(after: slash)..<colon]
        let port = value[value.index(after: colon)...]
        guard KubernetesNameRules.isLabel(namespace), !pair.contains("/"), !pair.isEmpty,
            pair.utf8.count <= Self.maximumPairLength
        else { return nil }
        self.namespace = namespace
        self.ingressAndService = pair
        self.port = KubernetesNameRules.isPort(port) ? port : nil
    }

    /// Every split of `<ingress>-<service>` at a `-` that leaves a valid Ingress name (DNS-1123 subdomain) and a
    /// valid Service name (DNS-1123 label), left to right.
    var readings: [KubernetesBackend.Reading] {
        ingressAndService.indices.compactMap { index in
            guard ingressAndService[index] == "-" else { return nil }
            let ingress = ingressAndService[..<index]
            let service = ingressAndService[ingressAndService.index(after: index)...]
            guard KubernetesNameRules.isSubdomain(ingress), KubernetesNameRules.isLabel(service) else { return nil }
            return KubernetesBackend.Reading(ingress: String(ingress), service: String(service))
        }
    }

    /// The Service when `ingress` is known: what follows `<ingress>-`, if it is a valid Service name.
    func service(behindIngress ingress: Substring) -> Substring? {
        guard ingressAndService.hasPrefix(ingress + "-") else { return nil }
        let service = ingressAndService.dropFirst(ingress.count + 1)
        return KubernetesNameRules.isLabel(service) ? service : nil
    }
}
