import AWSCore
import FoundationEssentials

extension LoadBalancerQueryCoding {
    /// The ports a target group can have (the model's range); anything else in an answer is no port.
    static let targetGroupPorts = 1...65_535

    /// A DescribeTargetGroups result, read as ``v2Page(_:)`` reads DescribeLoadBalancers: a member without an ARN
    /// is skipped, a missing name is empty, a missing, non-numeric or out-of-range port is nil.
    static func targetGroupPage(_ result: AWSXMLElement) -> TargetGroupPage {
        let targetGroups = result.members("TargetGroups").compactMap { member -> TargetGroup? in
            guard let arn = nonEmpty(member.string("TargetGroupArn")) else { return nil }
            return TargetGroup(
                arn: arn,
                name: member.string("TargetGroupName") ?? "",
                loadBalancerARNs: member.members("LoadBalancerArns").compactMap { nonEmpty($0.text) },
                port: port(member.string("Port")),
                protocolName: nonEmpty(member.string("Protocol")),
                targetType: nonEmpty(member.string("TargetType"))
            )
        }
        return TargetGroupPage(targetGroups: targetGroups, nextMarker: marker(result.string("NextMarker")))
    }

    /// The text without surrounding white space, or nil when nothing is left.
    private static func nonEmpty(_ text: String?) -> String? {
        guard let text = text?.trimmingWhitespace(newlines: true), !text.isEmpty else { return nil }
        return text
    }

    /// `Int(_:)` on a string never traps: a huge number is nil, as is anything outside the model's range.
    private static func port(_ text: String?) -> Int? {
        guard let text = nonEmpty(text), let number = Int(text), targetGroupPorts.contains(number) else { return nil }
        return number
    }
}
