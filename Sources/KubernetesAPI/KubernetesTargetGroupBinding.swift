/// What the directory keeps of one `TargetGroupBinding` (`elbv2.k8s.aws/v1beta1`): which Service port a target group
/// sends its traffic to.
public struct KubernetesTargetGroupBinding: Sendable, Hashable {
    /// The binding's own namespace and name.
    public var name: KubernetesObjectName
    /// `spec.targetGroupARN`.
    public var targetGroupARN: String
    /// `spec.serviceRef.name`, in the binding's namespace.
    public var service: KubernetesObjectName
    /// `spec.serviceRef.port`, or nil when the object has none this directory can read.
    public var port: KubernetesServicePort?

    /// Creates the record.
    /// - Parameters:
    ///   - name: The binding's namespace and name.
    ///   - targetGroupARN: The target group's ARN.
    ///   - service: The Service the target group routes to (in the binding's namespace).
    ///   - port: The Service port, by number or name.
    public init(
        name: KubernetesObjectName,
        targetGroupARN: String,
        service: KubernetesObjectName,
        port: KubernetesServicePort?
    ) {
        self.name = name
        self.targetGroupARN = targetGroupARN
        self.service = service
        self.port = port
    }

    /// The part of the ARN after the account, `targetgroup/<name>/<id>`: the value of CloudWatch's `TargetGroup`
    /// dimension. Nil when the ARN does not have the six colon-separated fields of an ARN.
    public var targetGroupDimension: String? {
        KubernetesTargetGroupBinding.resourcePart(ofARN: targetGroupARN)
    }

    /// The resource part of an ARN (after the fifth colon), or nil when it has fewer fields or the part is empty.
    static func resourcePart(ofARN arn: String) -> String? {
        var colons = 0
        var index = arn.startIndex
        while index < arn.endIndex {
            if arn[index] == ":" {
                colons += 1
                if colons == 5 {
                    let resource = arn[arn.index(after: index)...]
                    return resource.isEmpty ? nil : String(resource)
                }
            }
            index = arn.index(after: index)
        }
        return nil
    }
}
