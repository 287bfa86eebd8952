/// `kubernetes`: the Kubernetes API as an exact source of which Service a load balancer or target group belongs to
/// (opt-in; our key, not cloudwatch_exporter's).
public struct KubernetesSettings: Sendable, Hashable {
    /// `enabled`: list and watch Services and TargetGroupBindings (default false).
    public var enabled: Bool
    /// `kubeconfig`: a kubeconfig file to use instead of the in-cluster service account (relative to the config
    /// file's directory when not absolute).
    public var kubeconfig: String?
    /// `context`: the kubeconfig context to use instead of its current one.
    public var context: String?
    /// `service_labels`: the Service label keys whose values become sample labels (`label_<sanitised key>`, as
    /// kube-state-metrics names them), in this order.
    public var serviceLabels: [String]
    /// `target_group_bindings`: also watch `TargetGroupBinding` objects of the AWS Load Balancer Controller (default
    /// true).
    public var targetGroupBindings: Bool

    /// Creates settings; the defaults leave the source off.
    public init(
        enabled: Bool = false,
        kubeconfig: String? = nil,
        context: String? = nil,
        serviceLabels: [String] = [],
        targetGroupBindings: Bool = true
    ) {
        self.enabled = enabled
        self.kubeconfig = kubeconfig
        self.context = context
        self.serviceLabels = serviceLabels
        self.targetGroupBindings = targetGroupBindings
    }

    /// The sample label of a Service label key: `label_` and the key with every character that is not a letter,
    /// digit or underscore replaced by `_` (kube-state-metrics' `label_app_kubernetes_io_name`).
    public static func sampleLabel(ofServiceLabel key: String) -> String {
        "label_"
            + String(
                String.UnicodeScalarView(
                    key.unicodeScalars.map { scalar in
                        let ascii =
                            scalar.isASCII
                            && (("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
                                || ("0"..."9").contains(scalar) || scalar == "_")
                        return ascii ? scalar : "_"
                    }
                )
            )
    }
}
