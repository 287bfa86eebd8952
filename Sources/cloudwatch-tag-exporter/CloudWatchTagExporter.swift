import ArgumentParser
import ResourceTags
import ScrapePipeline
import ScrapeStatus
import Telemetry

/// `cloudwatch-tag-exporter`: serves by default; `check-config` and `scrape` help with configs.
@main
struct CloudWatchTagExporter: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cloudwatch-tag-exporter",
        abstract: "A Prometheus exporter for AWS CloudWatch that labels load balancer metrics with their tags.",
        discussion: """
            Drop-in replacement for prometheus/cloudwatch_exporter: same config file, same command line \
            (cloudwatch-tag-exporter <port> <config.yml>), same metrics, plus load balancer tag labels.
            """,
        version: "cloudwatch-tag-exporter \(BuildInfo.summary)",
        subcommands: [Serve.self, CheckConfig.self, ScrapeOnce.self],
        defaultSubcommand: Serve.self
    )
}
