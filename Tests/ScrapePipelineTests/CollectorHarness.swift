import AWSServices
import AWSTestSupport
import AsyncCoordination
import ConfigFile
import Exposition
import Foundation
import Logging
import ResourceTags
import ScrapePipeline
import ScrapeStatus
import Telemetry
import Testing

/// Builds a collector from YAML against a ``FakeAWS``, with a fixed clock, and reads its output.
struct CollectorHarness {
    static let now = Date(timeIntervalSince1970: 1_704_067_200)  // 2024-01-01T00:00:00Z

    let aws: FakeAWS
    let collector: CloudWatchCollector
    let metrics: SelfMetrics

    /// - Parameter deadlineGate: When given, a scrape's deadline "passes" when the test opens the gate, not by the
    ///   clock.
    init(
        _ yaml: String,
        aws: FakeAWS = FakeAWS(),
        deadlineGate: Gate? = nil
    ) throws {
        let loaded = try ConfigLoader.parse(yaml: yaml, file: "test.yml")
        self.aws = aws
        self.metrics = SelfMetrics()
        self.collector = try CloudWatchCollector.make(
            loaded.config,
            apis: aws.apis,
            metrics: metrics,
            sleepUntilDeadline: { deadline in
                if let deadlineGate {
                    try await deadlineGate.waitOrCancel()
                } else {
                    try await Task.sleep(until: deadline, clock: .continuous)
                }
            }
        )
    }

    func refreshTags() async {
        await collector.refreshTags(until: nil)
    }

    /// Scrapes as the server does: the first tag refresh runs beside the collection and is waited for (until the
    /// deadline) by the first scrape only.
    func scrape(deadline: ContinuousClock.Instant? = nil) async -> Scrape {
        Scrape(families: await collector.scrape(deadline: deadline))
    }
}

/// One scrape's families, with look-ups by sample name and labels (exact label set, like upstream's
/// `getSampleValue`).
struct Scrape {
    let families: [MetricFamily]

    func family(_ name: String) -> MetricFamily? { families.first { $0.name == name } }

    func samples(_ name: String) -> [Sample] { families.flatMap(\.samples).filter { $0.name == name } }

    func sample(_ name: String, _ labels: [String: String]) -> Sample? {
        samples(name).first { sample in
            sample.labels.count == labels.count && sample.labels.allSatisfy { labels[$0.name] == $0.value }
        }
    }

    func value(_ name: String, _ labels: [String: String]) -> Double? { sample(name, labels)?.value }

    var scrapeError: Double? { value("cloudwatch_exporter_scrape_error", [:]) }

    func text() -> String {
        String(decoding: ExpositionRenderer.render(families, format: .text004, nameFilter: nil), as: UTF8.self)
    }
}

func dims(_ pairs: (String, String)...) -> [MetricDimension] {
    pairs.map { MetricDimension(name: $0.0, value: $0.1) }
}

func metric(_ namespace: String, _ name: String, _ dimensions: [MetricDimension]) -> CloudWatchMetric {
    CloudWatchMetric(namespace: namespace, metricName: name, dimensions: dimensions)
}

let job = "job"
let instance = "instance"

extension CloudWatchCollector {
    /// The tag cache of the first target (every harness config has one target unless a test says otherwise).
    var tagCache: LoadBalancerTagCache { services[0].tagCache }
}

extension CloudWatchCollector {
    /// A collector whose targets each talk to their own APIs and have their own account (tests of several regions
    /// and accounts), with a tag cache per target as the server builds them.
    static func make(
        _ config: ExporterConfig,
        targets: [AWSTarget: (region: String, apis: AWSAPIs, account: AccountLookup)],
        store: DatapointStore = DatapointStore(),
        metrics: SelfMetrics = SelfMetrics(),
        now: @escaping @Sendable () -> Date = { CollectorHarness.now },
        sleepUntilDeadline: @escaping DeadlineSleep = DeadlineClock.continuous
    ) throws -> CloudWatchCollector {
        let plan = try ScrapePlan(config: config) { targets[$0]?.region ?? $0.region }
        let logger = Logger(label: "test")
        let services = try plan.targets.map { target in
            let services = try #require(targets[target], "no services for \(target)")
            return TargetServices(
                target: target,
                region: services.region,
                apis: services.apis,
                tagCache: plan.tagCache(
                    for: target,
                    config: config,
                    apis: services.apis,
                    metrics: metrics,
                    now: now,
                    logger: logger
                ),
                account: services.account
            )
        }
        return try CloudWatchCollector(
            config: config,
            plan: plan,
            services: services,
            store: store,
            metrics: metrics,
            now: now,
            sleepUntilDeadline: sleepUntilDeadline,
            logger: logger
        )
    }

    /// A collector whose targets all talk to `apis` in `region` (most tests: one target).
    static func make(
        _ config: ExporterConfig,
        apis: AWSAPIs,
        region: String = "us-east-1",
        store: DatapointStore = DatapointStore(),
        metrics: SelfMetrics = SelfMetrics(),
        now: @escaping @Sendable () -> Date = { CollectorHarness.now },
        sleepUntilDeadline: @escaping DeadlineSleep = DeadlineClock.continuous
    ) throws -> CloudWatchCollector {
        try make(
            config,
            targets: Dictionary(
                config.targets.map { ($0, ($0.region ?? region, apis, AccountLookup(known: ""))) },
                uniquingKeysWith: { first, _ in first }
            ),
            store: store,
            metrics: metrics,
            now: now,
            sleepUntilDeadline: sleepUntilDeadline
        )
    }
}
