/// A deterministic automaton for whole-value matching (``JavaPattern/matches(_:)`` when anchored), built from a
/// ``JavaPatternProgram`` at compile time: one table look-up per scalar instead of advancing every NFA thread.
///
/// `aws_dimension_select_regex` runs once per dimension value ListMetrics returns, so this is the hot path; the
/// answer is the NFA's (a yes or no does not depend on which thread wins). Built only for programs without
/// assertions (`^ $ \b`…, whose truth depends on the neighbours of a position) and when the subset construction
/// stays within ``maxStates``; otherwise ``JavaPatternMatcher`` answers.
struct JavaPatternDFA: Sendable {
    /// The most states built; a pattern whose automaton would be larger is matched by the NFA.
    static let maxStates = 1024

    /// The class of each ASCII scalar.
    private let asciiClasses: [Int32]
    /// The first scalar of each class, ascending: class `k` is `boundaries[k]..<boundaries[k + 1]`.
    private let boundaries: [UInt32]
    private let classCount: Int
    /// `transitions[state * classCount + class]`: the next state, or -1 when no match can follow.
    private let transitions: [Int32]
    private let accepting: [Bool]

    init?(_ program: JavaPatternProgram) {
        let instructions = program.instructions
        if instructions.contains(where: { if case .assert = $0 { true } else { false } }) { return nil }
        // Scalars that no set tells apart form one class.
        var cuts: Set<UInt32> = [0]
        for set in program.sets {
            for range in set.ranges {
                cuts.insert(range.lowerBound)
                if range.upperBound < JavaScalarSet.maxScalar { cuts.insert(range.upperBound + 1) }
            }
        }
        let boundaries = cuts.sorted()
        let classCount = boundaries.count
        var asciiClasses = [Int32](repeating: 0, count: 128)
        for scalar in 0..<128 { asciiClasses[scalar] = Int32(Self.classIndex(UInt32(scalar), boundaries)) }

        // Subset construction; a state is the sorted set of `scalar` and `match` instructions its threads are at.
        func closure(_ starts: [Int]) -> [Int] {
            var seen = Set<Int>()
            var reached: [Int] = []
            var stack = starts.reversed() as [Int]
            while let pc = stack.popLast() {
                guard pc < instructions.count, seen.insert(pc).inserted else { continue }
                switch instructions[pc] {
                case .jump(let target): stack.append(target)
                case .split(let first, let second): stack += [second, first]
                case .save, .mark: stack.append(pc + 1)
                case .loopCheck(_, _, let otherwise): stack.append(otherwise)
                case .scalar, .match: reached.append(pc)
                case .assert: return []
                }
            }
            return reached.sorted()
        }
        var states: [[Int]] = [closure([0])]
        var ids: [[Int]: Int] = [states[0]: 0]
        var transitions: [Int32] = []
        var next = 0
        while next < states.count {
            let state = states[next]
            next += 1
            for symbol in 0..<classCount {
                let representative = boundaries[symbol]
                var targets: [Int] = []
                for pc in state {
                    if case .scalar(let set) = instructions[pc], program.sets[set].contains(representative) {
                        targets.append(pc + 1)
                    }
                }
                let target = closure(targets)
                if target.isEmpty {
                    transitions.append(-1)
                } else if let id = ids[target] {
                    transitions.append(Int32(id))
                } else {
                    guard states.count < Self.maxStates else { return nil }
                    ids[target] = states.count
                    transitions.append(Int32(states.count))
                    states.append(target)
                }
            }
        }
        self.asciiClasses = asciiClasses
        self.boundaries = boundaries
        self.classCount = classCount
        self.transitions = transitions
        self.accepting = states.map { state in
            state.contains { if case .match = instructions[$0] { true } else { false } }
        }
    }

    /// Whether the whole of `bytes` (valid UTF-8) is accepted.
    func matches(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        transitions.withUnsafeBufferPointer { table in
            asciiClasses.withUnsafeBufferPointer { ascii in
                var state = 0
                var index = 0
                let count = bytes.count
                while index < count {
                    let lead = bytes[index]
                    let symbol: Int
                    if lead < 0x80 {
                        symbol = Int(ascii[Int(lead)])
                        index += 1
                    } else {
                        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
                        guard index + length <= count else { return false }
                        var value = UInt32(lead) & (lead >= 0xF0 ? 0x07 : lead >= 0xE0 ? 0x0F : 0x1F)
                        for offset in 1..<length { value = value << 6 | (UInt32(bytes[index + offset]) & 0x3F) }
                        symbol = Self.classIndex(value, boundaries)
                        index += length
                    }
                    let target = table[state * classCount + symbol]
                    if target < 0 { return false }
                    state = Int(target)
                }
                return accepting[state]
            }
        }
    }

    /// The class of `scalar`: the last boundary at or below it.
    private static func classIndex(_ scalar: UInt32, _ boundaries: [UInt32]) -> Int {
        var lower = 0
        var upper = boundaries.count
        while upper - lower > 1 {
            let middle = (lower + upper) / 2
            if boundaries[middle] <= scalar { lower = middle } else { upper = middle }
        }
        return lower
    }
}
