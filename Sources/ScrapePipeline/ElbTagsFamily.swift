import AWSServices
import ConfigFile
import Exposition
import ResourceTags

/// `aws_elb_tags`: the tag pusher's series, one per load balancer with every tag as a label, so joins written for
/// the Pushgateway setup keep working during a migration.
enum ElbTagsFamily {
    static let name = "aws_elb_tags"

    /// - Parameter targets: Each target's snapshot with its `region` and `account_id` labels (none with one
    ///   region and account), which come right after the load balancer's name.
    static func make(_ targets: [(snapshot: LoadBalancerTagSnapshot, labels: [(name: String, value: String)])])
        -> MetricFamily
    {
        // Every load balancer of a fleet has the same few tag keys: sanitise each key once.
        var labelNames: [String: String] = [:]
        let samples = targets.flatMap { target in target.snapshot.allRecords.map { (target.labels, $0) } }.map {
            targetLabels,
            record in
            let identity = record.kind == .classic ? "load_balancer_name" : "load_balancer"
            var labels: [(name: String, value: String)] = [(identity, record.dimensionValue)] + targetLabels
            for tag in record.tags {
                let name: String
                if let known = labelNames[tag.key] {
                    name = known
                } else {
                    name = labelName(forTagKey: tag.key)
                    labelNames[tag.key] = name
                }
                if !name.isEmpty, !labels.contains(where: { $0.name == name }) { labels.append((name, tag.value)) }
            }
            return Sample(name: name, labels: labels, value: 1)
        }
        return MetricFamily(
            name: name,
            help: "tag key and value on aws elastic load balancer.",
            type: .gauge,
            samples: samples
        )
    }

    /// The tag key sanitised as cloudwatch_exporter sanitises label names, made valid when it starts with a digit.
    static func labelName(forTagKey key: String) -> String {
        let name = MetricNaming.safeLabelName(key)
        guard let first = name.unicodeScalars.first else { return "" }
        if ("0"..."9").contains(first) { return "_" + name }
        return name
    }
}
