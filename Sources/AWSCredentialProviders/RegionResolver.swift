public import AWSCore
import FoundationEssentials
public import Logging

/// Finds the AWS region, in the order of the AWS SDKs (not botocore, which ignores `AWS_REGION`):
/// the explicit setting, `AWS_REGION`, `AWS_DEFAULT_REGION`, the selected profile's `region`, and finally the
/// instance's region from IMDSv2 (`/latest/meta-data/placement/region`).
public enum RegionResolver {
    /// How long start-up waits for the region from instance metadata (each request also has its own timeout).
    static let instanceMetadataDeadline: Duration = .seconds(5)

    /// Resolves the region.
    /// - Parameters:
    ///   - explicit: The region from the exporter's config, if set.
    ///   - environment: The process environment.
    ///   - transport: Sends the IMDS requests.
    ///   - logger: Receives a debug line saying where the region came from.
    /// - Returns: The region, e.g. `eu-west-1`.
    /// - Throws: ``AWSError`` of kind `.configuration` when no source has a region.
    public static func resolve(
        explicit: String?,
        environment: [String: String],
        transport: any HTTPTransport,
        logger: Logger
    ) async throws -> String {
        if let explicit = nonEmpty(explicit) {
            logger.debug("AWS region from the configuration", metadata: ["region": "\(explicit)"])
            return explicit
        }
        let configuration = SharedConfiguration(environment: environment)
        if let region = localRegion(environment: environment, configuration: configuration) {
            logger.debug("AWS region from the environment or profile", metadata: ["region": "\(region)"])
            return region
        }
        var imdsProblem = "AWS_EC2_METADATA_DISABLED is set"
        if let client = IMDSClient(environment: environment, transport: transport) {
            // Asked at start-up, before any scrape: bounded so a silent endpoint cannot hold the start.
            let deadline = ContinuousClock.now.advanced(by: Self.instanceMetadataDeadline)
            do {
                var token = try await client.token(provider: "RegionResolver", deadline: deadline)
                let region = try await client.get(
                    "/latest/meta-data/placement/region",
                    token: &token,
                    provider: "RegionResolver",
                    deadline: deadline
                ).trimmingWhitespace(newlines: true)
                if !region.isEmpty {
                    logger.debug("AWS region from instance metadata", metadata: ["region": "\(region)"])
                    return region
                }
                imdsProblem = "instance metadata returned an empty region"
            } catch let error as AWSError {
                imdsProblem = "instance metadata: \(error.message)"
            }
        }
        throw AWSError(
            kind: .configuration,
            service: "imds",
            operation: "ResolveRegion",
            code: "NoRegion",
            message: "no AWS region: set `region` in the exporter config, or AWS_REGION, or a region in profile '"
                + "\(configuration.selectedProfile)' of \(configuration.filesDescription) (\(imdsProblem))"
        )
    }

    /// The region from the environment or the selected profile, without asking IMDS.
    static func localRegion(environment: [String: String], configuration: SharedConfiguration) -> String? {
        nonEmpty(environment["AWS_REGION"]) ?? nonEmpty(environment["AWS_DEFAULT_REGION"])
            ?? nonEmpty(configuration.selectedRegion)
    }

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value = value?.trimmingWhitespace(), !value.isEmpty else { return nil }
        return value
    }
}
