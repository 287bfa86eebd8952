import AWSServices
import AWSTestSupport
import ConfigFile
import Exposition
import Foundation
import Logging
import ScrapePipeline

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
        tagCache: LoadBalancerTagCache = LoadBalancerTagCache(),
        deadlineGate: Gate? = nil
    ) throws {
        let loaded = try ConfigLoader.parse(yaml: yaml, file: "test.yml")
        self.aws = aws
        self.metrics = SelfMetrics()
        self.collector = try CloudWatchCollector(
            config: loaded.config,
            apis: aws.apis,
            tagCache: tagCache,
            metrics: metrics,
            now: { CollectorHarness.now },
            sleepUntilDeadline: { deadline in
                if let deadlineGate {
                    await deadlineGate.wait()
                } else {
                    try await Task.sleep(until: deadline, clock: .continuous)
                }
            },
            logger: Logger(label: "test")
        )
    }

    func refreshTags() async {
        await collector.refreshTags(deadline: nil)
    }

    /// Scrapes; the first scrape refreshes the tag cache first, as the server's refresher does at start-up.
    func scrape(deadline: ContinuousClock.Instant? = nil) async -> Scrape {
        if !collector.plan.allLoadBalancerKinds.isEmpty, collector.tagCache.snapshot.classicRefreshedAt == nil,
            collector.tagCache.snapshot.v2RefreshedAt == nil
        {
            await refreshTags()
        }
        return Scrape(families: await collector.collect(deadline: deadline))
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
