import ConfigFile
import Testing

/// `JavaPattern` beyond the Java corpus: what a scrape relies on (bounded work on hostile patterns and long values),
/// the messages a config author sees, and the upstream ARN examples.
@Suite struct JavaPatternTests {
    /// Patterns that make a backtracking engine (Java, ICU, Swift `Regex`) take exponential time, against a
    /// 100,000-character value: answered (no timing asserted: a backtracking engine would not finish at all).
    @Test(arguments: [#"(a|aa)+$"#, #"(a*)*b"#, #"(x+x+)+y"#, #"(a|a)*c"#, #"^(\w+\s?)*$"#])
    func hostilePatternsOnLongValuesEnd(pattern: String) throws {
        let value = String(repeating: "a", count: 100_000) + "!"
        let whole = try JavaPattern(pattern, anchored: true)
        let search = try JavaPattern(pattern, anchored: false)
        #expect(!whole.matches(value))
        #expect(search.firstNonEmptyGroup(in: String(repeating: "x", count: 100_000) + "!") == "")
        _ = search.matches(value)
    }

    @Test func aLongValueIsMatchedWhole() throws {
        let value = "k8s-" + String(repeating: "ab", count: 50_000) + "-0123456789"
        #expect(try JavaPattern("k8s-.*-[0-9a-f]{10}", anchored: true).matches(value))
        #expect(try JavaPattern("(k8s)-(.*)-([0-9a-f]{10})", anchored: false).firstNonEmptyGroup(in: value) == "k8s")
    }

    /// Upstream's documented `arn_resource_id_regexp` results (docs/cloudwatch_exporter.md, §4.3).
    @Test(arguments: [
        ("arn:aws:ec2:us-east-1:123456789012:instance/i-1", #"(?:([^:/]+)|[^:/]+/([^:]+))$"#, "i-1"),
        (
            "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/myLB/123",
            #"(?:([^:/]+)|[^:/]+/([^:]+))$"#, "app/myLB/123"
        ),
        ("arn:aws:sqs:us-east-1:123456789012:queue-name", #"(?:([^:/]+)|[^:/]+/([^:]+))$"#, "queue-name"),
        ("arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/abc-123", #"(targetgroup/.*)$"#, "targetgroup/abc-123"),
        (
            "arn:aws:wafv2:us-east-1:1:regional/webacl/svc-integration-xxxx/d177", #"([^/]+)/[^/]+$"#,
            "svc-integration-xxxx"
        ),
        // The shared notes give "restapis/<id>" here; Java 17 gives the id after the slash (group 2 of the match
        // starting at "restapis"), and so does JavaPattern (the corpus has this ARN).
        ("arn:aws:apigateway:us-east-1::/restapis/a1b2", #"(?:([^:/]+)|[^:/]+/([^:]+))$"#, "a1b2"),
        ("no match here", #"(x)"#, ""),
    ])
    func arnResourceIds(arn: String, pattern: String, id: String) throws {
        #expect(try JavaPattern(pattern, anchored: false).firstNonEmptyGroup(in: arn) == id)
    }

    /// Where a broken pattern is broken, in the words of the load error.
    @Test(arguments: [
        ("(unclosed", "unclosed ( opened at character 1"), ("a)(b", "unmatched ) at character 2"),
        ("x{2,1}", "illegal repetition range at character 2"), (#"ab\"#, "it ends with a lone backslash"),
        ("[a-", "unclosed character class opened at character 1"), ("*a", "dangling * at character 1"),
        ("a{x}", "illegal repetition at character 2"), ("[z-a]", "illegal character range at character 2"),
        (#"\y"#, #"illegal escape \y at character 1"#),
    ])
    func syntaxErrorsSayWhere(pattern: String, reason: String) {
        do {
            _ = try JavaPattern(pattern, anchored: true)
            Issue.record("\(pattern) compiled")
        } catch {
            #expect(error.reason.hasPrefix(reason), "\(error.reason)")
            #expect(!error.isUnsupportedConstruct)
        }
    }

    /// Repetition counts copy what they repeat; the program size bounds every match's work, so a larger one is
    /// refused at load rather than slowing every scrape.
    @Test func oversizedPatternsAreRefused() throws {
        #expect(throws: JavaPatternSyntaxError.self) { try JavaPattern("(a{1000}){5}", anchored: true) }
        do {
            _ = try JavaPattern("([a-z]{1000}){5}", anchored: true)
            Issue.record("compiled")
        } catch {
            #expect(error.isUnsupportedConstruct)
            #expect(error.reason.contains("too large"))
        }
        #expect(try JavaPattern("[a-z0-9-]{1,255}", anchored: true).matches(String(repeating: "a", count: 255)))
    }

    /// The answer does not depend on which engine inside gives it (the automaton for whole-value matches when the
    /// pattern allows, the thread machine otherwise): anchors at the ends are the same as none.
    @Test(arguments: ["abc", "abc\n", "xabc", ""])
    func outerAnchorsChangeNothingInAWholeMatch(value: String) throws {
        let bare = try JavaPattern("a.c", anchored: true).matches(value)
        #expect(try JavaPattern("^a.c$", anchored: true).matches(value) == bare)
        #expect(try JavaPattern(#"\Aa.c\z"#, anchored: true).matches(value) == bare)
        #expect(try JavaPattern(#"a.c\Z"#, anchored: true).matches(value) == bare)
        #expect(try JavaPattern(#"a.c\b"#, anchored: true).matches(value) == bare)
    }

    @Test func sourceAndModeAreKept() throws {
        let pattern = try JavaPattern("a+", anchored: false)
        #expect(pattern.source == "a+")
        #expect(!pattern.anchored)
        #expect(pattern.matches("xaay"))
        #expect(!(try JavaPattern("a+", anchored: true)).matches("xaay"))
    }
}
