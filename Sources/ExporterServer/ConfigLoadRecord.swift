public import ConfigFile
public import FoundationEssentials

/// The last time the config file was read: at start-up or by a reload, with its result and warnings.
public struct ConfigLoadRecord: Sendable {
    /// Why the file was read.
    public enum Trigger: String, Sendable {
        case startUp = "start-up"
        case reload
    }

    /// Start-up or reload.
    public var trigger: Trigger
    /// When.
    public var time: Date
    /// The error of a failed reload (the previous config stayed in force), `nil` on success; an excerpt
    /// (``ConfigExcerpt``), as the status page shows it.
    public var error: String?
    /// The warnings of the config that was read, as excerpts.
    public var warnings: [String]

    /// Creates a record.
    public init(trigger: Trigger, time: Date, error: String? = nil, warnings: [ConfigDiagnostic] = []) {
        self.trigger = trigger
        self.time = time
        self.error = error.map(ConfigExcerpt.of)
        self.warnings = warnings.map { ConfigExcerpt.of("\($0)") }
    }
}

/// What the status page and the reply to a failed `/-/reload` may quote of a config file's problems: every
/// diagnostic keeps its file, line, column, key and message, but a quoted value is cut to a few characters, a line
/// to 240 and the list to 20 problems. A `--config.file` that points at another file (a key, `/etc/passwd`) parses
/// as one long YAML string, which a diagnostic would otherwise quote whole to whoever can read the page.
public enum ConfigExcerpt {
    /// Characters kept of a quoted value.
    static let quotedCharacters = 24
    /// Characters kept of a line.
    static let lineCharacters = 240
    /// Lines kept.
    static let lines = 20

    /// The excerpt of a (multi-line) error or warning text.
    public static func of(_ text: String) -> String {
        let all = text.split(separator: "\n", omittingEmptySubsequences: false)
        var kept = all.prefix(lines).map { line in
            let short = shortenQuotes(line)
            return short.count > lineCharacters ? String(short.prefix(lineCharacters)) + "…" : short
        }
        if all.count > lines { kept.append("… and \(all.count - lines) more lines") }
        return kept.joined(separator: "\n")
    }

    /// Cuts every double-quoted part of the line (to the line's end when the quote is not closed).
    private static func shortenQuotes(_ line: Substring) -> String {
        var out = ""
        var quoted: String?
        for character in line {
            if var inside = quoted {
                if character == "\"" {
                    out += inside.count > quotedCharacters ? String(inside.prefix(quotedCharacters)) + "…" : inside
                    out.append(character)
                    quoted = nil
                } else {
                    inside.append(character)
                    quoted = inside
                }
            } else {
                out.append(character)
                if character == "\"" { quoted = "" }
            }
        }
        if let inside = quoted {
            out += inside.count > quotedCharacters ? String(inside.prefix(quotedCharacters)) + "…" : inside
        }
        return out
    }
}
