import FoundationEssentials

/// Resolves the endpoint of a service in a region: partitions (aws, aws-cn, aws-us-gov), FIPS, and the SDK's
/// `AWS_ENDPOINT_URL_<SERVICE>` / `AWS_ENDPOINT_URL` overrides.
///
/// Overrides change only where requests go; the signing region and service stay those of the real service,
/// as the AWS SDKs do. Plain `http` is used only when an override names it.
public struct AWSEndpointResolver: Sendable {
    private let environment: [String: String]

    /// Creates a resolver reading the given environment.
    public init(environment: [String: String]) {
        self.environment = environment
    }

    /// The endpoint for `service` in `region`.
    /// - Throws: ``AWSError`` of kind `.configuration` for an invalid region or override URL, or when FIPS is
    ///   requested for a service that has no FIPS endpoint in the region's partition.
    public func resolve(_ service: AWSServiceDescriptor, region: String) throws(AWSError) -> AWSEndpoint {
        guard Self.isValidRegion(region) else {
            throw configurationError(service, "invalid region '\(region)'")
        }
        if let override = try overrideEndpoint(service, region: region) { return override }
        let partition = Partition(region: region)
        var prefix = service.endpointPrefix
        if useFIPS {
            switch partition {
            case .aws:
                guard service.hasFIPSEndpointInAWSPartition else {
                    throw configurationError(
                        service,
                        "AWS_USE_FIPS_ENDPOINT is true but \(service.name) has no FIPS endpoint in \(region); "
                            + "set AWS_ENDPOINT_URL_\(service.endpointEnvironmentSuffix) to choose one"
                    )
                }
                prefix += "-fips"
            case .usGov:
                // GovCloud endpoints are FIPS 140 validated on their normal host names.
                break
            case .china:
                throw configurationError(
                    service,
                    "AWS_USE_FIPS_ENDPOINT is true but the aws-cn partition has no FIPS endpoints"
                )
            }
        }
        return AWSEndpoint(
            scheme: "https",
            host: "\(prefix).\(region).\(partition.dnsSuffix)",
            signingRegion: region,
            signingName: service.signingName
        )
    }

    private var useFIPS: Bool {
        environment["AWS_USE_FIPS_ENDPOINT"]?.lowercased() == "true"
    }

    private func overrideEndpoint(_ service: AWSServiceDescriptor, region: String) throws(AWSError) -> AWSEndpoint? {
        if environment["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"]?.lowercased() == "true" { return nil }
        let specificName = "AWS_ENDPOINT_URL_\(service.endpointEnvironmentSuffix)"
        let candidates = [specificName, "AWS_ENDPOINT_URL"]
        for name in candidates {
            guard let raw = environment[name]?.trimmingASCIIWhitespace(), !raw.isEmpty else { continue }
            guard let components = URLComponents(string: raw), let scheme = components.scheme?.lowercased(),
                scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty,
                components.user == nil, components.password == nil, components.query == nil
            else {
                throw configurationError(service, "\(name) is not an http(s) URL")
            }
            let hostPart = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
            var path = components.percentEncodedPath
            if path.isEmpty { path = "/" }
            return AWSEndpoint(
                scheme: scheme,
                host: hostPart,
                port: components.port,
                path: path,
                signingRegion: region,
                signingName: service.signingName
            )
        }
        return nil
    }

    private func configurationError(_ service: AWSServiceDescriptor, _ message: String) -> AWSError {
        AWSError(
            kind: .configuration,
            service: service.name,
            operation: "ResolveEndpoint",
            code: "InvalidEndpoint",
            message: message
        )
    }

    /// Lower-case letters, digits and dashes only, so a region can never smuggle a different host name in.
    static func isValidRegion(_ region: String) -> Bool {
        !region.isEmpty && region.utf8.count <= 64
            && region.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 }
    }

    enum Partition {
        case aws, china, usGov

        init(region: String) {
            if region.hasPrefix("cn-") {
                self = .china
            } else if region.hasPrefix("us-gov-") {
                self = .usGov
            } else {
                self = .aws
            }
        }

        var dnsSuffix: String {
            switch self {
            case .aws, .usGov: return "amazonaws.com"
            case .china: return "amazonaws.com.cn"
            }
        }
    }
}
