import AWSCore
import Testing

@Suite struct AWSEndpointResolverTests {
    @Test(arguments: [
        (AWSServiceDescriptor.cloudWatch, "us-east-1", "https://monitoring.us-east-1.amazonaws.com/"),
        (.elb, "eu-west-1", "https://elasticloadbalancing.eu-west-1.amazonaws.com/"),
        (.elbv2, "ap-southeast-2", "https://elasticloadbalancing.ap-southeast-2.amazonaws.com/"),
        (.tagging, "us-west-2", "https://tagging.us-west-2.amazonaws.com/"),
        (.sts, "us-east-1", "https://sts.us-east-1.amazonaws.com/"),
        (.cloudWatch, "cn-north-1", "https://monitoring.cn-north-1.amazonaws.com.cn/"),
        (.sts, "cn-northwest-1", "https://sts.cn-northwest-1.amazonaws.com.cn/"),
        (.tagging, "us-gov-west-1", "https://tagging.us-gov-west-1.amazonaws.com/"),
        (.elb, "us-gov-east-1", "https://elasticloadbalancing.us-gov-east-1.amazonaws.com/"),
    ])
    func resolvesPartitions(_ service: AWSServiceDescriptor, _ region: String, _ url: String) throws {
        let endpoint = try AWSEndpointResolver(environment: [:]).resolve(service, region: region)
        #expect(endpoint.url == url)
        #expect(endpoint.signingRegion == region)
        #expect(endpoint.signingName == service.signingName)
    }

    @Test func signingNamesComeFromTheModels() {
        #expect(AWSServiceDescriptor.cloudWatch.signingName == "monitoring")
        #expect(AWSServiceDescriptor.elb.signingName == "elasticloadbalancing")
        #expect(AWSServiceDescriptor.elbv2.signingName == "elasticloadbalancing")
        #expect(AWSServiceDescriptor.tagging.signingName == "tagging")
        #expect(AWSServiceDescriptor.sts.signingName == "sts")
    }

    @Test(arguments: [
        (AWSServiceDescriptor.cloudWatch, "us-east-1", "https://monitoring-fips.us-east-1.amazonaws.com/"),
        (.elbv2, "us-west-2", "https://elasticloadbalancing-fips.us-west-2.amazonaws.com/"),
        (.sts, "us-east-2", "https://sts-fips.us-east-2.amazonaws.com/"),
        (.cloudWatch, "us-gov-west-1", "https://monitoring.us-gov-west-1.amazonaws.com/"),
        (.tagging, "us-gov-west-1", "https://tagging.us-gov-west-1.amazonaws.com/"),
    ])
    func resolvesFIPS(_ service: AWSServiceDescriptor, _ region: String, _ url: String) throws {
        let endpoint = try AWSEndpointResolver(environment: ["AWS_USE_FIPS_ENDPOINT": "true"]).resolve(
            service,
            region: region
        )
        #expect(endpoint.url == url)
    }

    @Test func refusesFIPSWhereThereIsNone() {
        let resolver = AWSEndpointResolver(environment: ["AWS_USE_FIPS_ENDPOINT": "true"])
        #expect(throws: AWSError.self) { try resolver.resolve(.tagging, region: "us-east-1") }
        #expect(throws: AWSError.self) { try resolver.resolve(.cloudWatch, region: "cn-north-1") }
    }

    @Test func serviceOverrideBeatsGlobalOverrideAndKeepsSigningScope() throws {
        let environment = [
            "AWS_ENDPOINT_URL": "http://127.0.0.1:5077",
            "AWS_ENDPOINT_URL_CLOUDWATCH": "http://localhost:4566/cw",
            "AWS_USE_FIPS_ENDPOINT": "true",
        ]
        let resolver = AWSEndpointResolver(environment: environment)
        let cloudWatch = try resolver.resolve(.cloudWatch, region: "eu-west-1")
        #expect(cloudWatch.url == "http://localhost:4566/cw")
        #expect(cloudWatch.hostHeader == "localhost:4566")
        #expect(cloudWatch.signingRegion == "eu-west-1")
        #expect(cloudWatch.signingName == "monitoring")
        let tagging = try resolver.resolve(.tagging, region: "eu-west-1")
        #expect(tagging.url == "http://127.0.0.1:5077/")
        #expect(tagging.signingName == "tagging")
    }

    @Test(arguments: [
        ("AWS_ENDPOINT_URL_CLOUDWATCH", AWSServiceDescriptor.cloudWatch),
        ("AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING", .elb),
        ("AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2", .elbv2),
        ("AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API", .tagging),
        ("AWS_ENDPOINT_URL_STS", .sts),
    ])
    func eachServiceHasItsOverride(_ name: String, _ service: AWSServiceDescriptor) throws {
        let endpoint = try AWSEndpointResolver(environment: [name: "https://vpce.example.com"]).resolve(
            service,
            region: "us-east-1"
        )
        #expect(endpoint.url == "https://vpce.example.com/")
    }

    @Test func ignoreConfiguredEndpointURLsDisablesOverrides() throws {
        let environment = ["AWS_ENDPOINT_URL": "http://127.0.0.1:5077", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"]
        let endpoint = try AWSEndpointResolver(environment: environment).resolve(.cloudWatch, region: "us-east-1")
        #expect(endpoint.url == "https://monitoring.us-east-1.amazonaws.com/")
    }

    @Test(arguments: ["ftp://x", "not a url", "http://", "https://user:pw@host/"])
    func rejectsBadOverrides(_ url: String) {
        #expect(throws: AWSError.self) {
            try AWSEndpointResolver(environment: ["AWS_ENDPOINT_URL": url]).resolve(.cloudWatch, region: "us-east-1")
        }
    }

    @Test(arguments: ["", "us-east-1.evil.com/", "US-EAST-1", "us east"])
    func rejectsRegionsThatCouldChangeTheHost(_ region: String) {
        #expect(throws: AWSError.self) {
            try AWSEndpointResolver(environment: [:]).resolve(.cloudWatch, region: region)
        }
    }
}
