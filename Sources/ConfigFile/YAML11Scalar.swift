import FoundationEssentials

/// A plain YAML scalar resolved with YAML 1.1 rules, as SnakeYAML (cloudwatch_exporter's parser) resolves it.
///
/// YAMLDocument resolves nothing, so the loader resolves untagged plain scalars here, with SnakeYAML's rules (where
/// `off` is a boolean and `010` is eight).
enum YAML11Scalar: Equatable {
    case null
    case bool(Bool)
    case int(Int)
    /// An integer outside `Int`'s range; SnakeYAML would make it a `BigInteger`.
    case bigInt(String)
    case float(Double)
    case timestamp(String)
    case string(String)

    /// A short name of the kind, for messages ("a boolean", "a number", ...).
    var kindDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .bigInt, .float: "a number"
        case .timestamp: "a timestamp"
        case .string: "a string"
        }
    }

    // The patterns are SnakeYAML's `Resolver` patterns (YAML 1.1 type repository), which are case-sensitive in the
    // sense that only `yes`, `Yes` and `YES` (and so on) are booleans, not `yES`.
    private static let boolPattern = regex(
        "^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$"
    )
    private static let intPattern = regex(
        "^(?:[-+]?0b_*[0-1]+[0-1_]*|[-+]?0_*[0-7]+[0-7_]*|[-+]?(?:0|[1-9][0-9_]*)"
            + "|[-+]?0x_*[0-9a-fA-F]+[0-9a-fA-F_]*|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$"
    )
    private static let floatPattern = regex(
        "^(?:[-+]?(?:\\.[0-9]+|[0-9_]+(?:\\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?"
            + "|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN))$"
    )
    private static let nullPattern = regex("^(?:~|null|Null|NULL| )$")
    private static let timestampPattern = regex(
        "^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"
            + "|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \\t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9]"
            + "(?:\\.[0-9]*)?(?:[ \\t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$"
    )

    /// SnakeYAML matches these with Java's `Matcher.matches()`, which is what ``JavaPattern`` anchored does.
    private static func regex(_ pattern: String) -> JavaPattern? {
        try? JavaPattern(pattern, anchored: true)
    }

    private static func matches(_ regex: JavaPattern?, _ text: String) -> Bool {
        regex?.matches(text) ?? false
    }

    /// Resolves an untagged plain scalar.
    static func resolve(plain text: String) -> YAML11Scalar {
        if text.isEmpty || matches(nullPattern, text) { return .null }
        if matches(boolPattern, text) {
            switch text.lowercased() {
            case "yes", "true", "on": return .bool(true)
            default: return .bool(false)
            }
        }
        if matches(intPattern, text) { return constructInt(text) }
        if matches(floatPattern, text) { return constructFloat(text) }
        if matches(timestampPattern, text) { return .timestamp(text) }
        return .string(text)
    }

    /// SnakeYAML `ConstructYamlInt`: underscores dropped, then binary, hex, octal (leading 0), sexagesimal or decimal.
    private static func constructInt(_ text: String) -> YAML11Scalar {
        var body = text.replacing("_", with: "")
        var negative = false
        if let first = body.first, first == "-" || first == "+" {
            negative = first == "-"
            body.removeFirst()
        }
        let magnitude: Int?
        if body == "0" {
            magnitude = 0
        } else if body.hasPrefix("0b") {
            magnitude = Int(body.dropFirst(2), radix: 2)
        } else if body.hasPrefix("0x") {
            magnitude = Int(body.dropFirst(2), radix: 16)
        } else if body.hasPrefix("0") {
            magnitude = Int(body.dropFirst(), radix: 8)
        } else if body.contains(":") {
            magnitude = sexagesimalInt(body)
        } else {
            magnitude = Int(body)
        }
        guard let magnitude else { return .bigInt(text) }
        return .int(negative ? -magnitude : magnitude)
    }

    /// SnakeYAML `ConstructYamlFloat`, including sexagesimal `1:30.5` and `.inf` / `.nan`.
    private static func constructFloat(_ text: String) -> YAML11Scalar {
        var body = text.replacing("_", with: "")
        var sign = 1.0
        if let first = body.first, first == "-" || first == "+" {
            if first == "-" { sign = -1 }
            body.removeFirst()
        }
        switch body.lowercased() {
        case ".inf": return .float(sign * .infinity)
        case ".nan": return .float(.nan)
        default: break
        }
        if body.contains(":") {
            return sexagesimal(body).map { .float(sign * $0) } ?? .string(text)
        }
        // Java's Double.valueOf accepts "1." and ".5"; Swift's Double(_:) does too except a bare trailing point.
        let normalized = body.hasSuffix(".") ? body + "0" : body
        return Double(normalized).map { .float(sign * $0) } ?? .string(text)
    }

    /// `190:20:30` as 190 × 3600 + 20 × 60 + 30, exactly; nil when a part is not a number or the value does not
    /// fit an `Int` (the caller then reports it out of range; a `Double` detour would round and could trap).
    private static func sexagesimalInt(_ body: String) -> Int? {
        var value = 0
        for part in body.split(separator: ":", omittingEmptySubsequences: false) {
            guard let digit = Int(part) else { return nil }
            let (scaled, overflow) = value.multipliedReportingOverflow(by: 60)
            let (sum, sumOverflow) = scaled.addingReportingOverflow(digit)
            guard !overflow, !sumOverflow else { return nil }
            value = sum
        }
        return value
    }

    private static func sexagesimal(_ body: String) -> Double? {
        var value = 0.0
        for part in body.split(separator: ":") {
            guard let digit = Double(part.hasSuffix(".") ? part + "0" : String(part)) else { return nil }
            value = value * 60 + digit
        }
        return value
    }
}
