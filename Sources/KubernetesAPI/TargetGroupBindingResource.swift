import FoundationEssentials

/// TargetGroupBindings (`elbv2.k8s.aws/v1beta1`) in all namespaces: the AWS Load Balancer Controller's record of
/// which Service port each target group it manages (or a user bound) serves. The CRD may be absent.
struct TargetGroupBindingResource: WatchableResource {
    var name: String { "targetgroupbindings" }
    var path: String { "/apis/elbv2.k8s.aws/v1beta1/targetgroupbindings" }
    var mayBeAbsent: Bool { true }

    func configure(_ decoder: JSONDecoder) {}

    func metadata(of object: TargetGroupBindingObject) -> ObjectMetadata? { object.metadata }

    func record(of object: TargetGroupBindingObject, named name: KubernetesObjectName) -> KubernetesTargetGroupBinding?
    {
        guard let arn = object.spec?.targetGroupARN, !arn.isEmpty,
            let serviceName = object.spec?.serviceRef?.name, !serviceName.isEmpty
        else { return nil }
        return KubernetesTargetGroupBinding(
            name: name,
            targetGroupARN: arn,
            service: KubernetesObjectName(namespace: name.namespace, name: serviceName),
            port: object.spec?.serviceRef?.port?.value?.port
        )
    }
}
