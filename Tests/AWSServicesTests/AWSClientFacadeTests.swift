import AWSCore
import AWSServices
import Foundation
import Logging
import Testing

@Suite struct AWSClientFacadeTests {
    let keys = ["AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret-key", "HOME": "/nonexistent"]
    let emptyListMetrics = HTTPResponse(status: 200, body: Array(#"{"Metrics":[]}"#.utf8))

    func make(_ settings: AWSClientSettings, _ environment: [String: String], _ transport: ScriptedTransport)
        async throws -> AWSClient
    {
        try await AWSClient.make(
            settings: settings,
            environment: environment,
            transport: transport,
            observer: NoopAWSCallObserver(),
            logger: Logger(label: "test")
        )
    }

    @Test func explicitRegionAndEnvironmentKeysSignCloudWatchCalls() async throws {
        let transport = ScriptedTransport([emptyListMetrics])
        let client = try await make(
            AWSClientSettings(region: "eu-west-1"),
            keys.merging(["AWS_REGION": "us-west-2"]) { $1 },
            transport
        )
        #expect(client.region == "eu-west-1")
        _ = try await client.cloudWatch.listMetrics(ListMetricsInput(namespace: "AWS/ELB"), deadline: nil)
        let request = try #require(transport.requests.first)
        #expect(request.url == "https://monitoring.eu-west-1.amazonaws.com/")
        let authorization = request.headers.first { $0.0.lowercased() == "authorization" }?.1 ?? ""
        #expect(authorization.contains("Credential=AKIDEXAMPLE/"))
        #expect(authorization.contains("/eu-west-1/monitoring/aws4_request"))
    }

    @Test func regionComesFromTheEnvironmentWhenNotConfigured() async throws {
        let client = try await make(
            AWSClientSettings(),
            keys.merging(["AWS_REGION": "ap-southeast-2"]) { $1 },
            ScriptedTransport([])
        )
        #expect(client.region == "ap-southeast-2")
    }

    @Test func roleARNAssumesTheRoleWithTheExporterSessionName() async throws {
        let expiry = AWSTimestamp.iso8601(Date().addingTimeInterval(3600))
        let assumed = """
            <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>\
            <AccessKeyId>ASIAASSUMED</AccessKeyId><SecretAccessKey>assumed-secret</SecretAccessKey>\
            <SessionToken>assumed-token</SessionToken><Expiration>\(expiry)</Expiration></Credentials>\
            </AssumeRoleResult></AssumeRoleResponse>
            """
        let transport = ScriptedTransport([
            HTTPResponse(status: 200, body: Array(assumed.utf8)), emptyListMetrics, emptyListMetrics,
        ])
        let role = "arn:aws:iam::123456789012:role/metrics-reader"
        let client = try await make(AWSClientSettings(region: "eu-west-1", roleARN: role), keys, transport)
        _ = try await client.cloudWatch.listMetrics(ListMetricsInput(namespace: "AWS/ELB"), deadline: nil)
        _ = try await client.cloudWatch.listMetrics(ListMetricsInput(namespace: "AWS/ELB"), deadline: nil)
        #expect(transport.requests.count == 3, "the role's credentials are cached")
        let sts = try #require(transport.requests.first)
        #expect(sts.url == "https://sts.eu-west-1.amazonaws.com/")
        let form = Harness.form(sts)
        #expect(form["Action"] == "AssumeRole")
        #expect(form["RoleArn"] == role)
        #expect(form["RoleSessionName"] == "cloudwatch_exporter")
        #expect(
            sts.headers.first { $0.0.lowercased() == "authorization" }?.1.contains("Credential=AKIDEXAMPLE/") == true
        )
        let call = transport.requests[1]
        #expect(
            call.headers.first { $0.0.lowercased() == "authorization" }?.1.contains("Credential=ASIAASSUMED/") == true
        )
        #expect(call.headers.contains { $0.0.lowercased() == "x-amz-security-token" && $0.1 == "assumed-token" })
    }

    @Test func endpointOverrideReachesEveryService() async throws {
        let transport = ScriptedTransport([emptyListMetrics])
        let environment = keys.merging(["AWS_ENDPOINT_URL": "http://127.0.0.1:5077"]) { $1 }
        let client = try await make(AWSClientSettings(region: "us-east-1"), environment, transport)
        _ = try await client.cloudWatch.listMetrics(ListMetricsInput(namespace: "AWS/ELB"), deadline: nil)
        #expect(transport.requests.first?.url == "http://127.0.0.1:5077/")
    }

    @Test func fipsWithoutATaggingEndpointFailsOnlyTagging() async throws {
        let transport = ScriptedTransport([emptyListMetrics])
        let environment = keys.merging(["AWS_USE_FIPS_ENDPOINT": "true"]) { $1 }
        let client = try await make(AWSClientSettings(region: "us-east-1"), environment, transport)
        _ = try await client.cloudWatch.listMetrics(ListMetricsInput(namespace: "AWS/ELB"), deadline: nil)
        #expect(transport.requests.first?.url == "https://monitoring-fips.us-east-1.amazonaws.com/")
        let error = await #expect(throws: AWSError.self) {
            try await client.tagging.getResources(GetResourcesInput(), deadline: nil)
        }
        #expect(error?.kind == .configuration)
        #expect(transport.requests.count == 1)
    }

    @Test func missingRegionIsAConfigurationError() async throws {
        let environment = keys.merging(["AWS_EC2_METADATA_DISABLED": "true"]) { $1 }
        await #expect(throws: AWSError.self) { try await make(AWSClientSettings(), environment, ScriptedTransport([])) }
    }
}
