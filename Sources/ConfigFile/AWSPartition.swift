/// The AWS partitions the exporter's client can reach (``AWSEndpointResolver`` in AWSCore builds their host names),
/// and the validation of region names and role ARNs against them.
///
/// A region outside these partitions (an ISO partition, a region name with a typo) would be signed for and sent to a
/// host that does not exist, so the config loader rejects it with the reason instead.
public enum AWSPartition: String, Sendable, CaseIterable {
    case aws
    case china = "aws-cn"
    case usGov = "aws-us-gov"

    /// The compass parts AWS region names use (`us-east-1`, `ap-southeast-2`, `eu-central-1`, `mx-central-1`).
    static let directions: Set<Substring> = [
        "central", "north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest",
    ]

    /// The partition of a region name such as `eu-west-1`, `cn-north-1` or `us-gov-west-1`; `nil` when the name
    /// is not an AWS region name of a known partition.
    public static func of(region: String) -> AWSPartition? {
        guard region.utf8.count <= 32 else { return nil }
        var parts = region.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3 || parts.count == 4, let number = parts.popLast(), (1...2).contains(number.count),
            number.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let direction = parts.popLast(),
            directions.contains(direction)
        else { return nil }
        let area = parts.joined(separator: "-")
        switch area {
        case "cn": return .china
        case "us-gov": return .usGov
        case _ where area.utf8.count == 2 && area.utf8.allSatisfy({ $0 >= 97 && $0 <= 122 }): return .aws
        default: return nil
        }
    }

    /// What is wrong with a region name, or `nil` when it names a region of a known partition.
    public static func problem(region: String) -> String? {
        guard of(region: region) == nil else { return nil }
        return "\"\(region)\" is not an AWS region name such as us-east-1 (known partitions: "
            + allCases.map(\.rawValue).joined(separator: ", ") + ")"
    }

    /// The parts of an IAM role ARN, `arn:<partition>:iam::<12-digit account>:role/<path/name>`.
    public struct RoleARN: Sendable, Hashable {
        /// The partition.
        public let partition: AWSPartition
        /// The 12-digit account id.
        public let accountID: String

        /// Parses a role ARN; `nil` when it is not one of a known partition.
        public init?(_ text: String) {
            guard text.utf8.count <= 2048 else { return nil }
            let fields = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
            guard fields.count == 6, fields[0] == "arn", let partition = AWSPartition(rawValue: String(fields[1])),
                fields[2] == "iam", fields[3].isEmpty, fields[4].utf8.count == 12,
                fields[4].utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), fields[5].hasPrefix("role/"),
                fields[5].utf8.count > 5
            else { return nil }
            self.partition = partition
            self.accountID = String(fields[4])
        }
    }
}
