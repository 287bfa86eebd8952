/// A compiled ``JavaPatternNode``: instructions for a Pike VM (``JavaPatternMatcher``), a Thompson NFA whose
/// threads keep Java's priority order, so the match (and its groups) is the one Java's backtracking finds.
struct JavaPatternProgram: Sendable {
    /// The most instructions a pattern may compile to. The matcher's work is at most (value length + 1) × this many
    /// steps, so the bound is what keeps a scrape from stalling on a large pattern and a long value; repetition
    /// counts copy their body, so `(…){1000}` is where patterns reach it.
    static let maxInstructions = 4096
    /// How deeply loops whose body can match empty may nest (see ``loopContext(of:)``).
    static let maxLoopNesting = 3

    enum Instruction: Sendable {
        /// Consume one scalar in `sets[index]`.
        case scalar(Int)
        /// A thread that gets here has matched.
        case match
        /// Continue at both, the first with priority (a greedy loop puts its body first, a lazy one its exit).
        case split(Int, Int)
        case jump(Int)
        /// Record the position in capture slot `n` (group `g` uses slots `2g` and `2g+1`).
        case save(Int)
        case assert(JavaPatternNode.Assertion)
        /// Record where an iteration of a loop whose body can match empty starts.
        case mark(Int)
        /// After such an iteration: if it consumed nothing, leave the loop (`ifEmpty`), as Java's `Loop` does, with
        /// the groups that iteration set; otherwise go on (`otherwise`).
        case loopCheck(register: Int, ifEmpty: Int, otherwise: Int)
    }

    private(set) var instructions: [Instruction] = []
    private(set) var sets: [JavaScalarSet] = []
    /// Capturing groups (group 0, the whole match, is not counted).
    let groupCount: Int
    private(set) var registerCount = 0
    /// Per instruction, the registers of the loops (with a body that can match empty) it is inside, innermost last:
    /// ``maxLoopNesting`` entries per instruction, -1 where there are fewer.
    private var loopContexts: [Int] = []
    private var openLoops: [Int] = []

    /// Compiles `node` (with `groupCount` capturing groups) into a program whose thread starts at instruction 0.
    init(_ node: JavaPatternNode, groupCount: Int) throws(JavaPatternSyntaxError) {
        self.groupCount = groupCount
        emit(.save(0))
        try compile(node)
        emit(.save(1))
        emit(.match)
        try checkSize()
    }

    private mutating func compile(_ node: JavaPatternNode) throws(JavaPatternSyntaxError) {
        try checkSize()
        switch node {
        case .empty:
            break
        case .scalar(let set):
            if let index = sets.firstIndex(of: set) {
                emit(.scalar(index))
            } else {
                sets.append(set)
                emit(.scalar(sets.count - 1))
            }
        case .concatenation(let parts):
            for part in parts { try compile(part) }
        case .alternation(let alternatives):
            // split(a, next) … a: … jump end; next: split(b, …) …
            var jumpsToEnd: [Int] = []
            for (offset, alternative) in alternatives.enumerated() {
                if offset < alternatives.count - 1 {
                    let split = emit(.split(0, 0))
                    try compile(alternative)
                    jumpsToEnd.append(emit(.jump(0)))
                    instructions[split] = .split(split + 1, instructions.count)
                } else {
                    try compile(alternative)
                }
            }
            for jump in jumpsToEnd { instructions[jump] = .jump(instructions.count) }
        case .group(let body, let index):
            if let index { emit(.save(2 * index)) }
            try compile(body)
            if let index { emit(.save(2 * index + 1)) }
        case .assertion(let assertion):
            emit(.assert(assertion))
        case .repetition(let body, let min, let max, let greedy):
            try compileRepetition(body, min: min, max: max, greedy: greedy)
        }
    }

    private mutating func compileRepetition(
        _ body: JavaPatternNode,
        min: Int,
        max: Int?,
        greedy: Bool
    ) throws(JavaPatternSyntaxError) {
        // A body that can match empty gets a register: an iteration that consumes nothing ends the loop, which both
        // keeps the loop finite and gives Java's groups (the empty iteration's).
        let register: Int? = body.canMatchEmpty ? registerCount : nil
        if register != nil { registerCount += 1 }
        var exits: [Int] = []  // loopChecks and splits whose exit target is the end of the repetition
        func iteration(continueAt: Int?) throws(JavaPatternSyntaxError) {
            if let register { openLoops.append(register) }
            if let register { emit(.mark(register)) }
            try compile(body)
            if let register {
                let check = instructions.count
                emit(.loopCheck(register: register, ifEmpty: -1, otherwise: continueAt ?? check + 1))
                exits.append(check)
                openLoops.removeLast()
            } else if let continueAt {
                emit(.jump(continueAt))
            }
        }
        if register != nil, openLoops.count >= Self.maxLoopNesting {
            throw JavaPatternSyntaxError(
                reason: "loops that can match empty nested more than \(Self.maxLoopNesting) deep",
                isUnsupportedConstruct: true
            )
        }
        for _ in 0..<min { try iteration(continueAt: nil) }
        if let max {
            for _ in min..<max {
                let split = emit(.split(0, 0))
                try iteration(continueAt: nil)
                instructions[split] = greedy ? .split(split + 1, -1) : .split(-1, split + 1)
                exits.append(split)
            }
        } else {
            let head = emit(.split(0, 0))
            try iteration(continueAt: head)
            instructions[head] = greedy ? .split(head + 1, -1) : .split(-1, head + 1)
            exits.append(head)
        }
        // Patch every exit to the instruction after the repetition.
        let end = instructions.count
        for index in exits {
            switch instructions[index] {
            case .split(let first, let second):
                instructions[index] = .split(first == -1 ? end : first, second == -1 ? end : second)
            case .loopCheck(let register, let ifEmpty, let otherwise):
                instructions[index] = .loopCheck(
                    register: register,
                    ifEmpty: ifEmpty == -1 ? end : ifEmpty,
                    otherwise: otherwise
                )
            default:
                break
            }
        }
    }

    /// The registers whose "did the current iteration start here?" decides where a thread at `pc` goes on: the
    /// matcher keeps one thread per instruction and answer, not one per instruction, so that an iteration that
    /// matches empty is not mistaken for the thread that ended the iteration before it at the same position.
    func loopContext(of pc: Int) -> ArraySlice<Int> {
        let start = pc * Self.maxLoopNesting
        let slice = loopContexts[start..<(start + Self.maxLoopNesting)]
        return slice.prefix { $0 >= 0 }
    }

    /// ``loopContext(of:)`` for every instruction, ``maxLoopNesting`` entries each (-1 past the last), for the
    /// matcher's inner loop.
    var flatLoopContexts: [Int] { loopContexts }

    /// Each set's ASCII masks, two per set (see ``JavaScalarSet/asciiMasks``).
    var asciiMasks: [UInt64] { sets.flatMap { [$0.asciiMasks.0, $0.asciiMasks.1] } }

    @discardableResult
    private mutating func emit(_ instruction: Instruction) -> Int {
        instructions.append(instruction)
        for depth in 0..<Self.maxLoopNesting {
            loopContexts.append(depth < openLoops.count ? openLoops[depth] : -1)
        }
        return instructions.count - 1
    }

    private func checkSize() throws(JavaPatternSyntaxError) {
        guard instructions.count <= Self.maxInstructions else {
            throw JavaPatternSyntaxError(
                reason: "the pattern is too large: it compiles to more than \(Self.maxInstructions) steps "
                    + "(a repetition count copies what it repeats)",
                isUnsupportedConstruct: true
            )
        }
    }
}
