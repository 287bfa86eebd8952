import Testing
import YAMLDocument

struct YAMLComposerTests {
    private let composer = YAMLComposer()

    @Test func composesScalarsSequencesAndMappingsWithPositions() throws {
        let root = try #require(try composer.compose("a: 1\nb:\n  - x\n  - 'y'\n"))
        #expect(root["a"]?.scalar == YAMLScalar("1"))
        let items = try #require(root["b"]?.sequence)
        #expect(items.map(\.scalar?.value) == ["x", "y"])
        #expect(items[1].scalar?.style == .quoted)
        #expect(items[1].mark == YAMLMark(line: 4, column: 5))
    }

    @Test func emptyTextHasNoDocument() throws {
        #expect(try composer.compose("") == nil)
        #expect(try composer.compose("# only a comment\n") == nil)
    }

    @Test func aliasesAreExpanded() throws {
        let root = try #require(try composer.compose("a: &x [1, 2]\nb: *x\n"))
        #expect(root["b"]?.sequence?.count == 2)
    }

    @Test func anUndefinedAliasIsAnError() {
        #expect(throws: YAMLError.self) { try composer.compose("a: *nothing\n") }
    }

    @Test func aliasExpansionIsBounded() {
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1..<12 {
            let previous = "*a\(level - 1)"
            let items = Array(repeating: previous, count: 10).joined(separator: ", ")
            yaml += "a\(level): &a\(level) [\(items)]\n"
        }
        do {
            _ = try composer.compose(yaml)
            Issue.record("a billion laughs composed")
        } catch {
            #expect(error.kind == .composer)
            #expect(error.problem.contains("aliases expand"))
        }
    }

    @Test func nestingIsBounded() {
        let deep = String(repeating: "[", count: 100_000)
        do {
            _ = try composer.compose(deep)
            Issue.record("nesting composed")
        } catch {
            #expect(error.kind == .parser)
        }
    }

    @Test func aSecondDocumentIsAnError() {
        do {
            _ = try composer.compose("a: 1\n---\nb: 2\n")
            Issue.record("two documents composed")
        } catch {
            #expect(error.context == "expected a single document in the stream")
            #expect(error.mark.line == 2)
        }
    }

    @Test func duplicateKeysAreRejectedWhenAsked() {
        let strict = YAMLComposer(duplicateKeys: .reject(scalarType: { $0.isPlainUntagged ? "plain" : "string" }))
        do {
            _ = try strict.compose("a: 1\nb: 2\na: 3\n")
            Issue.record("duplicate keys composed")
        } catch {
            #expect(error.kind == .duplicateKeys)
            #expect(error.duplicateKeys == ["a"])
            #expect(error.mark == YAMLMark(line: 1, column: 1))
        }
        #expect((try? strict.compose("a: 1\n'a': 2\n")) != nil)
    }

    @Test func syntaxErrorsCarryTheirPosition() {
        do {
            _ = try composer.compose("a: [1, 2\nb: 3\n")
            Issue.record("broken YAML composed")
        } catch {
            #expect(error.kind == .parser)
            #expect(error.mark.line >= 2)
        }
    }

    @Test func controlCharactersAreReaderErrors() {
        do {
            _ = try composer.compose("a: b\u{01}\n")
            Issue.record("a control character composed")
        } catch {
            #expect(error.kind == .reader)
            #expect(error.mark == YAMLMark(line: 1, column: 5))
        }
    }
}
