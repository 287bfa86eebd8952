// Compares the three ways to match cloudwatch_exporter's config regexes on 100,000 dimension values (and 100,000
// ARNs for arn_resource_id_regexp): NSRegularExpression (ICU, what the exporter used before JavaPattern), Swift
// Regex (_StringProcessing, no ICU), and JavaPattern (ConfigFile). Built and run by scripts/bench-regex.sh with -O;
// prints figures, asserts nothing about time.
import Foundation

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

/// The seeded generator of the tests (AWSTestSupport.SplitMix64), so every run sees the same values.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

var generator = SplitMix64(state: 42)
let hexDigits = Array("0123456789abcdef")
func hex(_ count: Int) -> String { String((0..<count).map { _ in hexDigits[Int(generator.next() % 16)] }) }
let namespaces = ["default", "payments", "prod", "staging", "kube-system", "web"]
// Dimension values as load balancers name them: Kubernetes-made classic ELB names (k8s-<ns>-<svc>-<hex>), random
// 32-hex-digit names, ALB/NLB LoadBalancer dimensions (app/<name>/<id>), hand-made names.
let values: [String] = (0..<100_000).map { index in
    switch index % 4 {
    case 0: "k8s-\(namespaces[index % namespaces.count])-svc\(index % 97)-\(hex(10))"
    case 1: hex(32)
    case 2: "app/k8s-\(namespaces[index % namespaces.count])-ingress\(index % 31)/\(hex(16))"
    default: "my-prod-api-\(index)"
    }
}
let arns = values.map { "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/\($0)" }

func report(_ engine: String, _ what: String, _ seconds: Double, _ count: Int, _ result: Int) {
    let perValue = seconds * 1e9 / Double(count)
    print(
        engine.padding(toLength: 20, withPad: " ", startingAt: 0) + what.padding(toLength: 44, withPad: " ", startingAt: 0)
            + String(format: "%9.1f ms %8.0f ns/value  (%d)", seconds * 1000, perValue, result)
    )
}

print("100,000 dimension values, Pattern.matches semantics (whole value):")
for pattern in ["k8s-default-.*-[0-9a-f]{10}", "myLB(.*)|[0-9a-f]{32}", ".*prod.*", "(?i)PROD.*", "^app/(.*)/[0-9a-f]+$"] {
    // As the exporter compiled them before: \A(?:p)\z, firstMatch over the whole NSRange.
    let icu = try NSRegularExpression(pattern: "\\A(?:" + pattern + ")\\z")
    var start = now()
    var hits = values.reduce(0) { $0 + (icu.firstMatch(in: $1, range: NSRange($1.startIndex..., in: $1)) != nil ? 1 : 0) }
    report("NSRegularExpression", pattern, now() - start, values.count, hits)
    // Closest to Java: Unicode scalars, ASCII \d \w \s.
    let swiftRegex = try Regex(pattern).matchingSemantics(.unicodeScalar).asciiOnlyDigits().asciiOnlyWhitespace()
        .asciiOnlyWordCharacters()
    start = now()
    hits = values.reduce(0) { $0 + ((try? swiftRegex.wholeMatch(in: $1)) != nil ? 1 : 0) }
    report("Swift Regex", pattern, now() - start, values.count, hits)
    let java = try JavaPattern(pattern, anchored: true)
    start = now()
    hits = values.reduce(0) { $0 + (java.matches($1) ? 1 : 0) }
    report("JavaPattern", pattern, now() - start, values.count, hits)
}

print("\n100,000 ARNs, Matcher.find then the first non-empty group (arn_resource_id_regexp):")
for pattern in ["(?:([^:/]+)|[^:/]+/([^:]+))$", "loadbalancer/(.*)"] {
    let icu = try NSRegularExpression(pattern: pattern)
    var start = now()
    var total = 0
    for arn in arns {
        guard let match = icu.firstMatch(in: arn, range: NSRange(arn.startIndex..., in: arn)) else { continue }
        for index in 1..<match.numberOfRanges {
            let range = match.range(at: index)
            if range.location != NSNotFound, range.length > 0, let found = Range(range, in: arn) {
                total += arn[found].count
                break
            }
        }
    }
    report("NSRegularExpression", pattern, now() - start, arns.count, total)
    let swiftRegex = try Regex(pattern).matchingSemantics(.unicodeScalar)
    start = now()
    total = 0
    for arn in arns {
        guard let match = try? swiftRegex.firstMatch(in: arn) else { continue }
        for index in 1..<match.output.count {
            if let group = match.output[index].substring, !group.isEmpty {
                total += group.count
                break
            }
        }
    }
    report("Swift Regex", pattern, now() - start, arns.count, total)
    let java = try JavaPattern(pattern, anchored: false)
    start = now()
    total = arns.reduce(0) { $0 + java.firstNonEmptyGroup(in: $1).count }
    report("JavaPattern", pattern, now() - start, arns.count, total)
}

print("\nA hostile pattern, (a|aa)+$ (whole value) and (a|aa)+! (search), against n a's:")
for count in [16, 20, 24] {
    let value = String(repeating: "a", count: count)
    let icu = try NSRegularExpression(pattern: "\\A(?:(a|aa)+$)\\z")
    var start = now()
    _ = icu.firstMatch(in: value + "!", range: NSRange((value + "!").startIndex..., in: value + "!"))
    let icuSeconds = now() - start
    let swiftRegex = try Regex("(a|aa)+$")
    start = now()
    _ = try? swiftRegex.wholeMatch(in: value + "!")
    let swiftSeconds = now() - start
    print(String(format: "  n = %6d: NSRegularExpression %8.1f ms, Swift Regex %8.1f ms", count, icuSeconds * 1000, swiftSeconds * 1000))
}
for count in [24, 100_000] {
    let value = String(repeating: "a", count: count)
    let whole = try JavaPattern("(a|aa)+$", anchored: true)
    let search = try JavaPattern("(a|aa)+!", anchored: false)
    let start = now()
    _ = whole.matches(value + "b")
    let wholeSeconds = now() - start
    let searchStart = now()
    _ = search.firstNonEmptyGroup(in: value)
    print(String(format: "  n = %6d: JavaPattern %.1f ms (whole), %.1f ms (search)", count, wholeSeconds * 1000, (now() - searchStart) * 1000))
}
