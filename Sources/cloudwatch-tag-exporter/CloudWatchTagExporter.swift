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
        usage: """
            cloudwatch-tag-exporter <port> <config.yml>
            cloudwatch-tag-exporter --config.file <config.yml> [<options>]
            cloudwatch-tag-exporter <subcommand>
            """,
        discussion: """
            Drop-in replacement for prometheus/cloudwatch_exporter: same config file, same command line \
            (cloudwatch-tag-exporter <port> <config.yml>), same metrics, plus load balancer tag labels. Without a \
            subcommand it serves /metrics with the options below.
            """,
        version: "cloudwatch-tag-exporter \(BuildInfo.summary)",
        subcommands: [Serve.self, CheckConfig.self, ScrapeOnce.self],
        defaultSubcommand: Serve.self
    )

    /// The server's flags, declared here so that `--help` lists every one of them, as Prometheus exporters do. They
    /// are parsed here, wherever they stand on the command line; `serve` (the default subcommand, which declares the
    /// same groups) and `scrape` get these values.
    @OptionGroup var server: ServerOptions

    @OptionGroup var logging: LoggingOptions
}
