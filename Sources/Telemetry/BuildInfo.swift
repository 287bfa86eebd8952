internal import CBuildInfo
import Exposition

/// The exporter's version, reported by `--version`, the landing page and `cloudwatch_exporter_build_info`.
///
/// The values come from the CBuildInfo C target: scripts/build-image.sh sets them from git, and a plain
/// `swift build` gets the source's version with "unknown" revision and release date (upstream's word for a missing
/// value).
public enum BuildInfo {
    /// The release version, e.g. `0.1.0`. Plain semver, without the revision, because dashboards and alerts group
    /// by `build_version` and a per-commit value would split every series; the revision is reported beside it.
    public static let version = String(cString: cte_build_version())
    /// The git revision the binary was built from (`git describe --always --dirty`), or `unknown`.
    public static let revision = String(cString: cte_build_revision())
    /// The release date, `yyyy-MM-dd` (the commit date of `revision`, so a rebuild gives the same binary), or
    /// `unknown`.
    public static let releaseDate = String(cString: cte_build_release_date())

    /// `0.1.0 (revision 1a2b3c4, released 2026-11-24)`: for `--version`, the landing page and the startup log.
    public static var summary: String {
        "\(version) (revision \(revision), released \(releaseDate))"
    }

    /// `cloudwatch_exporter_build_info{build_version,release_date} 1`, with upstream's (odd) HELP text. The labels are
    /// exactly upstream's: the revision is not a label here, so queries written for upstream keep matching.
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
