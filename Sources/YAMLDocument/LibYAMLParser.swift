internal import CLibYAML

/// libyaml's parser over a UTF-8 buffer that outlives it, read one event at a time.
struct LibYAMLParser: ~Copyable {
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private let input: UnsafeBufferPointer<UInt8>
    private let nestingLevels: Int

    /// A parser over `input`, which must stay valid (and unchanged) for the parser's lifetime.
    init(input: UnsafeBufferPointer<UInt8>, start: UnsafePointer<UInt8>, nestingLevels: Int) throws(YAMLError) {
        parser = .allocate(capacity: 1)
        self.input = input
        self.nestingLevels = nestingLevels
        guard yaml_parser_initialize(parser) == 1 else {
            parser.deallocate()
            throw YAMLError(.memory, problem: "cannot allocate the parser", mark: YAMLMark(line: 1, column: 1))
        }
        // Swift's strings are UTF-8: no encoding detection (which would also read a byte order mark differently).
        yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
        // libyaml asserts on a null input, which an empty buffer may have: `start` is always a valid address.
        yaml_parser_set_input_string(parser, start, input.count)
    }

    deinit {
        yaml_parser_delete(parser)
        parser.deallocate()
    }

    /// The next event.
    mutating func next() throws(YAMLError) -> LibYAMLEvent {
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) == 1 else { throw error() }
        defer { yaml_event_delete(&event) }
        let mark = YAMLMark(zeroBasedLine: event.start_mark.line, column: event.start_mark.column)
        switch event.type {
        case YAML_STREAM_START_EVENT:
            return .streamStart
        case YAML_STREAM_END_EVENT:
            return .streamEnd
        case YAML_DOCUMENT_START_EVENT:
            return .documentStart(mark)
        case YAML_DOCUMENT_END_EVENT:
            return .documentEnd
        case YAML_ALIAS_EVENT:
            return .alias(anchor: Self.string(event.data.alias.anchor) ?? "", mark: mark)
        case YAML_SCALAR_EVENT:
            let data = event.data.scalar
            let value =
                data.value.map { String(decoding: UnsafeBufferPointer(start: $0, count: data.length), as: UTF8.self) }
                ?? ""
            let scalar = YAMLScalar(value, tag: Self.string(data.tag), style: Self.style(data.style))
            return .scalar(scalar, anchor: Self.string(data.anchor), mark: mark)
        case YAML_SEQUENCE_START_EVENT:
            try checkNesting(at: mark)
            let data = event.data.sequence_start
            return .sequenceStart(anchor: Self.string(data.anchor), tag: Self.string(data.tag), mark: mark)
        case YAML_SEQUENCE_END_EVENT:
            return .sequenceEnd
        case YAML_MAPPING_START_EVENT:
            try checkNesting(at: mark)
            let data = event.data.mapping_start
            return .mappingStart(anchor: Self.string(data.anchor), tag: Self.string(data.tag), mark: mark)
        case YAML_MAPPING_END_EVENT:
            return .mappingEnd
        default:
            return .none
        }
    }

    /// libyaml's later nesting limit (see ``YAMLLimits/nestingLevels``), where and as it checks it: when a flow or
    /// block collection starts (not an indentless sequence), the scanner's indentation levels plus its flow level
    /// must stay below the limit. The parser returns a collection's start event without consuming its token or
    /// scanning further, so the scanner's state here is the one that check saw; the scanner reads ahead up to a
    /// simple key's 1024 characters, which is why a long line of `[` trips it early, as it did.
    private func checkNesting(at mark: YAMLMark) throws(YAMLError) {
        let state = parser.pointee
        guard let head = state.tokens.head, head != state.tokens.tail else { return }
        switch head.pointee.type {
        case YAML_FLOW_SEQUENCE_START_TOKEN, YAML_FLOW_MAPPING_START_TOKEN, YAML_BLOCK_SEQUENCE_START_TOKEN,
            YAML_BLOCK_MAPPING_START_TOKEN:
            break
        default:
            return
        }
        var indents = 0
        if let start = state.indents.start, let top = state.indents.top {
            indents = start.distance(to: top)
        }
        guard indents + Int(state.flow_level) >= nestingLevels else { return }
        let problem = head.pointee.start_mark
        throw YAMLError(
            .parser,
            problem: "Maximum nesting level reached, set with yaml_set_max_nest_level())",
            mark: YAMLMark(zeroBasedLine: problem.line, column: problem.column),
            context: "while parsing",
            contextMark: mark
        )
    }

    /// libyaml's error, after `yaml_parser_parse` failed.
    private func error() -> YAMLError {
        let state = parser.pointee
        let problem = state.problem.map { String(cString: $0) } ?? "unknown problem"
        let mark = YAMLMark(zeroBasedLine: state.problem_mark.line, column: state.problem_mark.column)
        let context = state.context.map { String(cString: $0) }
        let contextMark = context.map { _ in
            YAMLMark(zeroBasedLine: state.context_mark.line, column: state.context_mark.column)
        }
        switch state.error {
        case YAML_READER_ERROR:
            // The reader reports a byte offset only; the position is counted here as libyaml counts marks.
            let offset = state.problem_offset
            return YAMLError(
                .reader,
                problem: problem,
                mark: Self.mark(atByte: offset, in: input),
                offset: offset,
                value: Int(state.problem_value)
            )
        case YAML_SCANNER_ERROR:
            return YAMLError(.scanner, problem: problem, mark: mark, context: context, contextMark: contextMark)
        case YAML_PARSER_ERROR:
            return YAMLError(.parser, problem: problem, mark: mark, context: context, contextMark: contextMark)
        case YAML_MEMORY_ERROR:
            return YAMLError(.memory, problem: "cannot allocate memory", mark: YAMLMark(line: 1, column: 1))
        default:
            return YAMLError(.composer, problem: problem, mark: mark, context: context, contextMark: contextMark)
        }
    }

    /// The line and column of a byte offset, counted as libyaml counts: a column per Unicode scalar, and CR LF, CR,
    /// LF, NEL, LS and PS each end a line.
    static func mark(atByte offset: Int, in input: UnsafeBufferPointer<UInt8>) -> YAMLMark {
        var line = 0
        var column = 0
        var afterCR = false
        let end = min(max(offset, 0), input.count)
        for scalar in String(decoding: UnsafeBufferPointer(rebasing: input.prefix(end)), as: UTF8.self).unicodeScalars {
            switch scalar.value {
            case 0x0A where afterCR:
                afterCR = false
            case 0x0A, 0x85, 0x2028, 0x2029:
                line += 1
                column = 0
                afterCR = false
            case 0x0D:
                line += 1
                column = 0
                afterCR = true
            default:
                column += 1
                afterCR = false
            }
        }
        return YAMLMark(zeroBasedLine: line, column: column)
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    private static func style(_ style: yaml_scalar_style_t) -> YAMLScalar.Style {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE, YAML_DOUBLE_QUOTED_SCALAR_STYLE: .quoted
        case YAML_LITERAL_SCALAR_STYLE: .literal
        case YAML_FOLDED_SCALAR_STYLE: .folded
        default: .plain
        }
    }
}
