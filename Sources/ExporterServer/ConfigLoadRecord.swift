public import ConfigFile
public import Foundation

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
    /// The error of a failed reload (the previous config stayed in force), `nil` on success.
    public var error: String?
    /// The warnings of the config that was read.
    public var warnings: [String]

    /// Creates a record.
    public init(trigger: Trigger, time: Date, error: String? = nil, warnings: [ConfigDiagnostic] = []) {
        self.trigger = trigger
        self.time = time
        self.error = error
        self.warnings = warnings.map { "\($0)" }
    }
}
