import Exposition

/// The exporter's version, reported by `--version`, the landing page and `cloudwatch_exporter_build_info`.
public enum BuildInfo {
    /// The release version.
    public static let version = "0.1.0"
    /// The release date, `yyyy-MM-dd`.
    public static let releaseDate = "2026-11-24"

    /// `cloudwatch_exporter_build_info{build_version,release_date} 1`, with upstream's (odd) HELP text.
    public static var family: MetricFamily {
        MetricFamily(
            name: "cloudwatch_exporter_build_info",
            help: "Non-zero if build info scrape failed.",
            type: .gauge,
            samples: [
                Sample(
                    name: "cloudwatch_exporter_build_info",
                    labels: [("build_version", version), ("release_date", releaseDate)],
                    value: 1
                )
            ]
        )
    }
}
