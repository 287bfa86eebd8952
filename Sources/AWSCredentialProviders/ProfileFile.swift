import AWSCore
import FoundationEssentials

/// The sections of one AWS shared config or credentials file (INI style), keyed by profile name.
///
/// Only what credential and region resolution need: `[name]` / `[profile name]` sections of `key = value` lines,
/// full-line `#` and `;` comments. Indented lines continue a sub-section (e.g. `s3 =` settings) and are skipped.
struct ProfileFile: Sendable, Equatable {
    /// Which file a profile came from; decides how section names are read.
    enum Kind: Sendable {
        /// `~/.aws/credentials`: sections are bare profile names.
        case credentials
        /// `~/.aws/config`: sections are `[profile name]`, except `[default]`.
        case config
    }

    /// Settings of each profile, keys lower-cased.
    private(set) var profiles: [String: [String: String]] = [:]

    /// Parses `text`.
    init(text: String, kind: Kind) {
        var current: String?
        var bareSections: [String: [String: String]] = [:]
        var currentIsBare = false
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = rawLine.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]") else {
                    current = nil
                    continue
                }
                let name = line.dropFirst().dropLast().trimmingWhitespace()
                (current, currentIsBare) = Self.profileName(section: name, kind: kind)
                if let current {
                    if currentIsBare {
                        bareSections[current, default: [:]] = bareSections[current, default: [:]]
                    } else {
                        profiles[current, default: [:]] = profiles[current, default: [:]]
                    }
                }
                continue
            }
            guard let profile = current, let first = rawLine.first, first != " ", first != "\t",
                let equals = line.firstIndex(of: "=")
            else { continue }
            let key = line[..<equals].trimmingWhitespace().lowercased()
            let value = line[line.index(after: equals)...].trimmingWhitespace()
            guard !key.isEmpty, !value.isEmpty else { continue }
            if currentIsBare {
                bareSections[profile, default: [:]][key] = value
            } else {
                profiles[profile, default: [:]][key] = value
            }
        }
        // In the config file `[name]` (without the `profile ` prefix) is not the documented form; accept it as
        // botocore does, but let a proper `[profile name]` win.
        for (name, settings) in bareSections where profiles[name] == nil {
            profiles[name] = settings
        }
    }

    /// Reads and parses the file at `path`; a missing or unreadable file is an empty file, as in the SDKs.
    init(path: String, kind: Kind) {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        self.init(text: text, kind: kind)
    }

    private static func profileName(section: String, kind: Kind) -> (String?, Bool) {
        switch kind {
        case .credentials:
            return (section, false)
        case .config:
            if section == "default" { return ("default", false) }
            if section.hasPrefix("profile ") || section.hasPrefix("profile\t") {
                let name = section.dropFirst("profile".count).trimmingWhitespace()
                return (name.isEmpty ? nil : name, false)
            }
            // Other typed sections (`sso-session x`, `services x`) are not profiles.
            if section.contains(" ") { return (nil, false) }
            return (section, true)
        }
    }
}
