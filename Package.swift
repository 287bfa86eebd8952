// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "cloudwatch-tag-exporter",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "cloudwatch-tag-exporter", targets: ["cloudwatch-tag-exporter"]),
        .library(name: "AWSSigV4", targets: ["AWSSigV4"]),
        .library(name: "AWSServices", targets: ["AWSServices"]),
        .library(name: "Exposition", targets: ["Exposition"]),
        .library(name: "ConfigFile", targets: ["ConfigFile"]),
        .library(name: "ScrapePipeline", targets: ["ScrapePipeline"]),
        .library(name: "ExporterServer", targets: ["ExporterServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.70.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.23.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        // No default traits: `FullFoundation` imports full Foundation (DateFormatter in its form coders), which links
        // ICU's 34 MB; `ConfigurationSupport` (swift-configuration readers) is not used.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.5.0", traits: []),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.34.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.0.0"),
    ],
    targets: [
        // Waiting on shared work and bounding concurrency, each caller at its own deadline: no dependencies.
        .target(name: "AsyncCoordination", swiftSettings: swiftSettings),
        // AWS request signing: pure value types over swift-crypto.
        .target(
            name: "AWSSigV4",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // Transport, wire protocols, errors, retries, endpoints: what every AWS call stands on.
        .target(
            name: "AWSCore",
            dependencies: [
                "AsyncCoordination",
                "AWSSigV4",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The credential chain and region resolution (env, web identity, profiles, containers, IMDSv2, STS).
        .target(
            name: "AWSCredentialProviders",
            dependencies: [
                "AsyncCoordination", "AWSCore", "AWSSigV4", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The service operations the exporter uses: CloudWatch, ELB, ELBv2, Tagging, plus the client facade.
        .target(
            name: "AWSServices",
            dependencies: [
                "AsyncCoordination", "AWSCore", "AWSCredentialProviders", "AWSSigV4",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Prometheus text 0.0.4 and OpenMetrics 1.0 rendering; no dependencies.
        .target(name: "Exposition", swiftSettings: swiftSettings),
        // libyaml from the system (pkg-config yaml-0.1; Debian: libyaml-dev); the image carries its shared library.
        .systemLibrary(
            name: "CLibYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        // YAML documents composed over libyaml's events: nodes with positions, aliases expanded within limits.
        .target(name: "YAMLDocument", dependencies: ["CLibYAML"], swiftSettings: swiftSettings),
        // cloudwatch_exporter's YAML config, parsed and validated with positions.
        .target(
            name: "ConfigFile",
            dependencies: ["YAMLDocument"],
            swiftSettings: swiftSettings
        ),
        // The build's version, revision and release date, set by scripts/build-image.sh (defaults otherwise).
        .target(name: "CBuildInfo"),
        // The exporter's own metrics: self counters, AWS usage, process metrics, build info.
        .target(
            name: "Telemetry",
            dependencies: ["AWSCore", "CBuildInfo", "Exposition", "KubernetesAPI"],
            swiftSettings: swiftSettings
        ),
        // What each rule's last scrape did, and why a rule has no data: what the status page reads.
        .target(
            name: "ScrapeStatus",
            dependencies: ["AWSCore", "ConfigFile"],
            swiftSettings: swiftSettings
        ),
        // Load balancers and their tags per target, refreshed off the scrape path; tags as labels.
        .target(
            name: "ResourceTags",
            dependencies: [
                "AsyncCoordination", "AWSCore", "AWSServices", "ConfigFile", "KubernetesAPI", "Telemetry",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The scrape: plan, discovery, GetMetricStatistics / GetMetricData, the datapoint store, families.
        .target(
            name: "ScrapePipeline",
            dependencies: [
                "AsyncCoordination", "AWSCore", "AWSServices", "ConfigFile", "Exposition", "KubernetesAPI",
                "ResourceTags", "ScrapeStatus", "Telemetry", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // HTTP endpoints, reload, lifecycle.
        .target(
            name: "ExporterServer",
            dependencies: [
                "AsyncCoordination", "ScrapePipeline", "ScrapeStatus", "ResourceTags", "Telemetry", "ConfigFile",
                "Exposition", "AWSServices", "AWSCore", "KubernetesAPI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                "YAMLDocument",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Services and TargetGroupBindings from a Kubernetes API server (list + watch), kept as a small mapping that
        // scrapes read without waiting.
        .target(
            name: "KubernetesAPI",
            dependencies: [
                "AsyncCoordination",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                "YAMLDocument",
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "cloudwatch-tag-exporter",
            dependencies: [
                "ExporterServer", "ConfigFile", "ScrapePipeline", "ResourceTags", "Telemetry", "Exposition",
                "AWSServices", "AWSCore", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "AsyncCoordinationTests", dependencies: ["AsyncCoordination", "AWSTestSupport"]),
        .testTarget(name: "AWSSigV4Tests", dependencies: ["AWSSigV4"], resources: [.copy("Fixtures")]),
        // Test support shared by the AWS test targets (wire capture reader, the `.heavy` test gate).
        .target(
            name: "AWSTestSupport",
            dependencies: ["AsyncCoordination", "AWSCore"],
            path: "Tests/AWSTestSupport",
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "AWSCoreTests", dependencies: ["AWSCore", "AWSTestSupport"]),
        .testTarget(
            name: "AWSCredentialProvidersTests",
            dependencies: [
                "AWSCredentialProviders", "AWSCore", "AWSSigV4", "AWSTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "AWSServicesTests",
            dependencies: ["AWSServices", "AWSCore", "AWSTestSupport"]
        ),
        .testTarget(name: "ExpositionTests", dependencies: ["Exposition"], resources: [.copy("Golden")]),
        .testTarget(name: "ConfigFileTests", dependencies: ["ConfigFile"], resources: [.copy("Fixtures")]),
        .testTarget(name: "YAMLDocumentTests", dependencies: ["YAMLDocument"]),
        .testTarget(name: "TelemetryTests", dependencies: ["Telemetry", "AWSCore", "Exposition"]),
        .testTarget(
            name: "ResourceTagsTests",
            dependencies: ["ResourceTags", "AWSServices", "AWSTestSupport", "ConfigFile", "KubernetesAPI"]
        ),
        .testTarget(
            name: "ScrapePipelineTests",
            dependencies: [
                "ScrapePipeline", "AsyncCoordination", "AWSServices", "AWSCore", "AWSTestSupport", "ConfigFile",
                "Exposition", "KubernetesAPI", "ResourceTags", "ScrapeStatus", "Telemetry",
            ]
        ),
        .testTarget(
            name: "ExporterServerTests",
            dependencies: [
                "ExporterServer", "AsyncCoordination", "AWSTestSupport", "ConfigFile", "ScrapePipeline",
                "ResourceTags", "ScrapeStatus", "Telemetry", "AWSServices", "AWSCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "KubernetesAPITests",
            dependencies: [
                "KubernetesAPI",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["AWSServices", "AWSCore", "AWSCredentialProviders", "ConfigFile", "AWSTestSupport"]
        ),
    ]
)
