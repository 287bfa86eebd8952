/// `region`, `regions`, `role_arn`, `role_arns`: where the rules' AWS calls go.
extension ConfigDecoder {
    typealias Entries = [String: (key: String, keyNode: ConfigNode, value: ConfigNode)]

    /// Decodes the top-level target keys; `region` and `regions` (and `role_arn` and `role_arns`) exclude each other.
    mutating func decodeTargets(_ values: Entries, into config: inout ExporterConfig) {
        if let entry = values["region"], !entry.value.isNull { config.region = regionName(entry.value, .top("region")) }
        if let entry = values["role_arn"], !entry.value.isNull {
            // Unlike upstream (which needs `region` to build its STS client), a role without a region is fine:
            // the region comes from the environment, profile or instance metadata.
            config.roleARN = roleARN(entry.value, .top("role_arn"))
        }
        if let entry = values["regions"], !entry.value.isNull {
            config.regions = uniqueList(entry.value, .top("regions")) { decoder, node, path in
                decoder.regionName(node, path)
            }
            if values["region"].map({ !$0.value.isNull }) == true {
                error(entry.value, .top("regions"), "set either region or regions, not both")
            }
        }
        if let entry = values["role_arns"], !entry.value.isNull {
            config.roleARNs = uniqueList(entry.value, .top("role_arns")) { decoder, node, path in
                decoder.roleARN(node, path)
            }
            if values["role_arn"].map({ !$0.value.isNull }) == true {
                error(entry.value, .top("role_arns"), "set either role_arn or role_arns, not both")
            }
        }
    }

    /// A region name of a partition the client knows (`us-east-1`, `cn-north-1`, `us-gov-west-1`).
    mutating func regionName(_ node: ConfigNode, _ path: KeyPath) -> String? {
        guard let region = nonEmptyString(node, path) else { return nil }
        if let problem = AWSPartition.problem(region: region) {
            error(node, path, problem)
            return nil
        }
        return region
    }

    /// An IAM role ARN of a partition the client knows.
    mutating func roleARN(_ node: ConfigNode, _ path: KeyPath) -> String? {
        guard let text = nonEmptyString(node, path) else { return nil }
        guard AWSPartition.RoleARN(text) != nil else {
            error(node, path, "expected a role ARN such as arn:aws:iam::123456789012:role/name")
            return nil
        }
        return text
    }

    /// A non-empty list whose elements `element` decodes; a repeated element is reported (it would run every rule
    /// twice) and kept once.
    private mutating func uniqueList(
        _ node: ConfigNode,
        _ path: KeyPath,
        element: (inout ConfigDecoder, ConfigNode, KeyPath) -> String?
    ) -> [String] {
        guard case .sequence(let items) = node.kind, !items.isEmpty else {
            error(node, path, "expected a non-empty list, got \(node.kindDescription)")
            return []
        }
        var result: [String] = []
        for (index, item) in items.enumerated() {
            guard let value = element(&self, item, path.index(index)) else { continue }
            if result.contains(value) {
                error(item, path.index(index), "\(value) is listed twice")
            } else {
                result.append(value)
            }
        }
        return result
    }

    /// Every (region, role) a rule runs in must be of one partition: a role of `aws-cn` cannot be assumed in
    /// `us-east-1`.
    mutating func checkPartitions(_ rule: MetricRule, config: ExporterConfig, node: ConfigNode, path: KeyPath) {
        for target in config.targets(of: rule) {
            guard let region = target.region, let regionPartition = AWSPartition.of(region: region),
                let roleARN = target.roleARN, let role = AWSPartition.RoleARN(roleARN),
                role.partition != regionPartition
            else { continue }
            error(
                node,
                path,
                "role \(roleARN) is in partition \(role.partition.rawValue), region \(region) in "
                    + regionPartition.rawValue
            )
            return
        }
    }
}
