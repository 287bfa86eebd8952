/// One libyaml event, copied out of libyaml's memory (which the next event reuses).
enum LibYAMLEvent {
    case streamStart
    case streamEnd
    case documentStart(YAMLMark)
    case documentEnd
    case alias(anchor: String, mark: YAMLMark)
    case scalar(YAMLScalar, anchor: String?, mark: YAMLMark)
    case sequenceStart(anchor: String?, tag: String?, mark: YAMLMark)
    case sequenceEnd
    case mappingStart(anchor: String?, tag: String?, mark: YAMLMark)
    case mappingEnd
    /// libyaml's "no event" (after the end of the stream, which the composer never reads past).
    case none

    /// The position where the event starts, for the events that start something.
    var mark: YAMLMark? {
        switch self {
        case .documentStart(let mark), .alias(_, let mark), .scalar(_, _, let mark), .sequenceStart(_, _, let mark),
            .mappingStart(_, _, let mark):
            mark
        case .streamStart, .streamEnd, .documentEnd, .sequenceEnd, .mappingEnd, .none:
            nil
        }
    }
}
