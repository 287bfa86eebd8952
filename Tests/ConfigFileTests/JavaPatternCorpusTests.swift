import ConfigFile
import Foundation
import Testing

/// `Fixtures/java-regex-expected.json`: what Java 17's `java.util.regex` answered for every pattern of the corpus
/// against every input (written by `scripts/java-regex-fixture/generate.py`, which runs Java; regenerate it after
/// changing the corpus).
struct JavaRegexFixture: Decodable {
    struct Entry: Decodable {
        let pattern: String
        let extraInputs: [String]
        /// Java's `PatternSyntaxException` description, when Java rejects the pattern.
        let javaError: String?
        /// `Pattern.matches(pattern, input)` per input.
        let matches: [Bool]?
        /// `Matcher.find()` then `group(0…n)` per input; nil when nothing is found, nil groups did not take part.
        let find: [[String?]?]?
    }

    let java: String
    let pool: [String]
    let patterns: [Entry]

    static func load() throws -> JavaRegexFixture {
        guard
            let url = Bundle.module.url(
                forResource: "java-regex-expected",
                withExtension: "json",
                subdirectory: "Fixtures"
            )
        else { throw CocoaError(.fileNoSuchFile) }
        return try JSONDecoder().decode(JavaRegexFixture.self, from: Data(contentsOf: url))
    }
}

/// `JavaPattern` against Java itself, on the corpus: the patterns cloudwatch_exporter users write and every corner of
/// the syntax, each against ~55 inputs (ASCII, Unicode, line terminators, ARNs, load balancer names).
@Suite struct JavaPatternCorpusTests {
    /// Patterns Java accepts that `JavaPattern` refuses at load, on purpose (each with the reason it gives).
    static let leftOut: Set<String> = [
        #"[a&&b]"#, #"[a-d[m-p]]"#, #"(?u)a"#, #"(?x)a b"#, #"\8"#, #"(a)\1"#, #"(?<n>a)\k<n>"#, #"(?=a)"#,
        #"(?!test).*"#, #"(?<=a)b"#, #"(?<!a)b"#, #"(?>a+)b"#, #"a++"#, #"a*+b"#, #"a{1,2}+"#, #"\G"#, #"\R"#,
        #"\X"#, #"\p{Alpha}"#, #"\P{Lu}"#, #"\N{LATIN SMALL LETTER A}"#, #"\b{g}"#, #"a{1001}"#,
    ]

    /// Answers that differ from Java's on purpose: pattern, input, why.
    static let knownDifferences: [(pattern: String, input: String, why: String)] = [
        (
            #"\B"#, "a😀b",
            "Java's find() also tries the position between the two UTF-16 halves of 😀, where \\B holds; Swift "
                + "strings have no such position (the first non-empty group is \"\" either way)"
        )
    ]

    let fixture: JavaRegexFixture

    init() throws {
        fixture = try JavaRegexFixture.load()
    }

    @Test func theFixtureIsJavasAnswers() {
        #expect(fixture.java.contains("version \"17"))
        #expect(fixture.patterns.count >= 250)
        #expect(fixture.pool.count >= 50)
    }

    @Test func everyPatternJavaRejectsIsRejected() {
        let accepted = fixture.patterns.filter { entry in
            entry.javaError != nil && (try? JavaPattern(entry.pattern, anchored: true)) != nil
        }
        #expect(accepted.map(\.pattern) == [])
    }

    @Test func onlyTheListedConstructsAreLeftOut() {
        var refused: Set<String> = []
        for entry in fixture.patterns where entry.javaError == nil {
            do {
                _ = try JavaPattern(entry.pattern, anchored: true)
            } catch {
                #expect(error.isUnsupportedConstruct, "\(entry.pattern): \(error.reason)")
                #expect(error.reason.contains("not supported"), "\(entry.pattern): \(error.reason)")
                refused.insert(entry.pattern)
            }
        }
        #expect(refused == Self.leftOut)
    }

    /// Every input: `matches` as `Pattern.matches`, and the groups of the leftmost match as `Matcher.find`.
    @Test func everyPatternJavaAcceptsMatchesAsJavaDoes() throws {
        var cases = 0
        var mismatches: [String] = []
        for entry in fixture.patterns where entry.javaError == nil && !Self.leftOut.contains(entry.pattern) {
            let whole = try JavaPattern(entry.pattern, anchored: true)
            let search = try JavaPattern(entry.pattern, anchored: false)
            let matches = try #require(entry.matches)
            let finds = try #require(entry.find)
            for (index, input) in (fixture.pool + entry.extraInputs).enumerated() {
                if Self.knownDifferences.contains(where: { $0.pattern == entry.pattern && $0.input == input }) {
                    continue
                }
                cases += 1
                if whole.matches(input) != matches[index] {
                    mismatches.append("matches \(entry.pattern.debugDescription) on \(input.debugDescription)")
                }
                let groups = search.groups(in: input)
                if groups != finds[index] {
                    mismatches.append(
                        "find \(entry.pattern.debugDescription) on \(input.debugDescription): "
                            + "\(String(describing: groups)), Java \(String(describing: finds[index]))"
                    )
                }
                let expectedGroup = finds[index]?.dropFirst().first { $0?.isEmpty == false }.flatMap { $0 } ?? ""
                if search.firstNonEmptyGroup(in: input) != expectedGroup {
                    mismatches.append(
                        "firstNonEmptyGroup \(entry.pattern.debugDescription) on \(input.debugDescription)"
                    )
                }
            }
        }
        print("JavaPattern corpus: \(cases) pattern/input pairs against Java, \(mismatches.count) differences")
        #expect(cases > 10_000)
        #expect(mismatches == [])
    }

    /// The known differences are still what they say (Java's answer is the one recorded).
    @Test func theKnownDifferencesAreStillDifferent() throws {
        for difference in Self.knownDifferences {
            let entry = try #require(fixture.patterns.first { $0.pattern == difference.pattern })
            let index = try #require((fixture.pool + entry.extraInputs).firstIndex(of: difference.input))
            let search = try JavaPattern(difference.pattern, anchored: false)
            #expect(search.groups(in: difference.input) != entry.find?[index], "\(difference.why)")
            #expect(search.firstNonEmptyGroup(in: difference.input) == "")
        }
    }
}
