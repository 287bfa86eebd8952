import AWSServices
import ConfigFile
import ResourceTags
import ScrapePipeline
import ScrapeStatus
import Telemetry
import Testing

/// cloudwatch_exporter's naming functions (cloudwatch_exporter.md §3.1–3.3) and the tag label derivation.
@Suite struct NamingTests {
    @Test(arguments: [
        ("AWS/ELB", "RequestCount", "aws_elb_request_count"),
        ("AWS/EC2", "CPUUtilization", "aws_ec2_cpuutilization"),
        ("AWS/ELB", "HTTPCode_Backend_2XX", "aws_elb_httpcode_backend_2_xx"),
        ("AWS/ApplicationELB", "UnHealthyHostCount", "aws_applicationelb_un_healthy_host_count"),
        ("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "aws_applicationelb_httpcode_target_5_xx_count"),
        ("AWS/WAFV2", "CountedRequests", "aws_wafv2_counted_requests"),
        ("AWS/S3", "4xxErrors", "aws_s3_4xx_errors"),
        ("AWS/ApiGateway", "5XXError", "aws_apigateway_5_xxerror"),
        ("AWS/RDS", "EBSIOBalance%", "aws_rds_ebsiobalance_"),
        ("Custom:App", "my.metric-name", "custom:app_my_metric_name"),
    ])
    func familyBaseNames(namespace: String, metric: String, expected: String) {
        #expect(MetricNaming.safeName(namespace.lowercased() + "_" + MetricNaming.snakeCase(metric)) == expected)
    }

    @Test(arguments: [
        ("p99.9", "_p99_9"), ("tm99", "_tm99"), ("TM(10%:90%)", "_tm_10_:90_"), ("IQM", "_iqm"), ("Sum", "_sum"),
    ])
    func statisticSuffixes(statistic: String, expected: String) {
        #expect(MetricNaming.statisticSuffix(statistic) == expected)
    }

    @Test(arguments: [
        ("LoadBalancerName", "load_balancer_name"), ("AvailabilityZone", "availability_zone"), ("WebACL", "web_acl"),
        ("Cluster Name", "cluster_name"), ("NodeID", "node_id"), ("DBInstanceIdentifier", "dbinstance_identifier"),
    ])
    func dimensionLabels(dimension: String, expected: String) {
        #expect(MetricNaming.dimensionLabel(dimension) == expected)
    }

    @Test func kubernetesLabelsFromEveryTagShape() {
        let deriver = TagLabelDeriver(settings: TagLabelSettings())
        func labels(_ pairs: [(String, String)]) -> [String] {
            deriver.labels(for: pairs.map { AWSTag(key: $0.0, value: $0.1) }).map { "\($0.name)=\($0.value)" }
        }
        #expect(
            labels([("kubernetes.io/service-name", "default/web"), ("kubernetes.io/cluster/my-cluster", "owned")]) == [
                "namespace=default", "service=web", "cluster=my-cluster",
            ]
        )
        #expect(
            labels([("service.k8s.aws/stack", "shop/api"), ("elbv2.k8s.aws/cluster", "prod")]) == [
                "namespace=shop", "service=api", "cluster=prod",
            ]
        )
        #expect(labels([("ingress.k8s.aws/stack", "default/web")]) == ["namespace=default", "ingress=web"])
        #expect(labels([("ingress.k8s.aws/stack", "my-group")]).isEmpty)
        #expect(labels([("kubernetes.io/service-name", "no-slash")]).isEmpty)
    }

    @Test func tagValuesAreVerbatimAndKeysSanitised() {
        var settings = TagLabelSettings()
        settings.allTags = true
        settings.kubernetes = false
        let value = "quote \" backslash \\ newline \n café 東京"
        let labels = TagLabelDeriver(settings: settings).labels(for: [
            AWSTag(key: "aws:cloudformation:stack-name", value: value),
            AWSTag(key: "kubernetes.io/cluster/my-cluster", value: "owned"),
        ])
        #expect(labels.map(\.name) == ["tag_aws_cloudformation_stack_name", "tag_kubernetes_io_cluster_my_cluster"])
        #expect(labels.first?.value == value)
    }
}
