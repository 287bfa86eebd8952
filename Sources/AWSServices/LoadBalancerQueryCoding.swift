import AWSCore
import FoundationEssentials

/// Answers of the ELB and ELBv2 Query APIs.
enum LoadBalancerQueryCoding {
    static func marker(_ text: String?) -> String? {
        guard let text = text?.trimmingWhitespace(newlines: true), !text.isEmpty else { return nil }
        return text
    }

    static func classicPage(_ result: AWSXMLElement) -> ClassicLoadBalancerPage {
        let loadBalancers = result.members("LoadBalancerDescriptions").compactMap { member -> ClassicLoadBalancer? in
            guard let name = member.string("LoadBalancerName") else { return nil }
            return ClassicLoadBalancer(name: name, dnsName: member.string("DNSName") ?? "")
        }
        return ClassicLoadBalancerPage(loadBalancers: loadBalancers, nextMarker: marker(result.string("NextMarker")))
    }

    static func v2Page(_ result: AWSXMLElement) -> LoadBalancerV2Page {
        let loadBalancers = result.members("LoadBalancers").compactMap { member -> LoadBalancerV2? in
            guard let arn = member.string("LoadBalancerArn") else { return nil }
            return LoadBalancerV2(
                arn: arn,
                name: member.string("LoadBalancerName") ?? "",
                type: member.string("Type") ?? "",
                dnsName: member.string("DNSName") ?? ""
            )
        }
        return LoadBalancerV2Page(loadBalancers: loadBalancers, nextMarker: marker(result.string("NextMarker")))
    }

    static func tagDescriptions(_ result: AWSXMLElement, key: String) -> [String: [AWSTag]] {
        var tags: [String: [AWSTag]] = [:]
        // The load balancers of a page mostly carry the same tag keys (and often values): one string each, not one
        // per load balancer, for as long as the tag cache keeps them.
        var strings = StringPool()
        for description in result.members("TagDescriptions") {
            guard let name = description.string(key) else { continue }
            tags[name] = description.members("Tags").compactMap { tag in
                guard let tagKey = tag.string("Key") else { return nil }
                return AWSTag(key: strings.intern(tagKey), value: strings.intern(tag.string("Value") ?? ""))
            }
        }
        return tags
    }

    /// `items` without duplicates, in order, cut into batches of `size`.
    static func batches(_ items: [String], size: Int) -> [[String]] {
        var seen = Set<String>()
        let unique = items.filter { seen.insert($0).inserted }
        return stride(from: 0, to: unique.count, by: size).map { Array(unique[$0..<min($0 + size, unique.count)]) }
    }
}
