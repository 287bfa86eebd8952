/// Runs a ``JavaPatternProgram`` over the UTF-8 bytes of a string: a Pike VM, i.e. every thread of the NFA advanced
/// in step over the input, in priority order, at most one thread per instruction (and loop state, see
/// ``JavaPatternProgram/loopContext(of:)``).
///
/// Why this shape: the work is bounded by (input length + 1) × program size whatever the pattern and the input (no
/// backtracking, so `(a|aa)+$` against 100,000 `a`s is as cheap as `a+$`), and keeping threads in the order Java's
/// backtracking would try them yields Java's match and groups: a thread dropped because a higher-priority one already
/// reached the same instruction, in the same loop state, at the same position could only succeed where that one
/// succeeds too.
///
/// The matcher's storage is allocated once per run and reached through unsafe buffers: the inner loop runs once per
/// thread per input scalar, and array bounds checks and reference counting there were most of its time. Every index
/// is bounded by construction (a list holds each instruction at most once; slots and registers are counted by the
/// program), and the buffers are freed when the run ends.
struct JavaPatternMatcher {
    private let instructions: UnsafeBufferPointer<JavaPatternProgram.Instruction>
    private let sets: UnsafeBufferPointer<JavaScalarSet>
    private let loopContexts: UnsafeBufferPointer<Int>
    private let asciiMasks: UnsafeBufferPointer<UInt64>
    private let bytes: UnsafeBufferPointer<UInt8>
    /// Capture slots (two per group, group 0 included) then loop registers, per thread; 0 when only a yes or no is
    /// wanted (no groups, and an empty loop iteration is then simply a thread that dies).
    private let width: Int
    private let slotCount: Int
    private let size: Int

    /// Two thread lists (current and next), each: pcs, states, visited stamps per exploration key, appended stamps.
    private let pcs: UnsafeMutableBufferPointer<Int>
    private let states: UnsafeMutableBufferPointer<Int>
    private let visited: UnsafeMutableBufferPointer<UInt32>
    private let appended: UnsafeMutableBufferPointer<UInt32>
    private let scratch: UnsafeMutableBufferPointer<Int>
    private var counts = (0, 0)
    private var generations: (UInt32, UInt32) = (0, 0)
    /// Which half of the buffers is the current list (0 or 1).
    private var currentHalf = 0
    /// The depth-first walk of `addThread`: an instruction to explore (`>= 0`), or `-1 - slot` to put `stackValues`'
    /// entry back into that slot of `scratch` once everything explored after it is done.
    private let stack: UnsafeMutableBufferPointer<Int>
    private let stackValues: UnsafeMutableBufferPointer<Int>
    private var stackTop = 0

    private static let keyShift = JavaPatternProgram.maxLoopNesting

    /// Whether the whole of `bytes` matches, like Java's `Matcher.matches()`.
    static func matchesWhole(_ program: JavaPatternProgram, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        run(program, bytes, captures: false, anchored: true) != nil
    }

    /// The capture slots (byte offsets, -1 for a group that did not take part) of the first match, like Java's
    /// `Matcher.find()`: the leftmost start, and there the match Java's backtracking tries first.
    static func find(_ program: JavaPatternProgram, _ bytes: UnsafeBufferPointer<UInt8>) -> [Int]? {
        run(program, bytes, captures: true, anchored: false)
    }

    private static func run(
        _ program: JavaPatternProgram,
        _ bytes: UnsafeBufferPointer<UInt8>,
        captures: Bool,
        anchored: Bool
    ) -> [Int]? {
        program.instructions.withUnsafeBufferPointer { instructions in
            program.sets.withUnsafeBufferPointer { sets in
                program.flatLoopContexts.withUnsafeBufferPointer { loopContexts in
                    program.asciiMasks.withUnsafeBufferPointer { asciiMasks in
                        var matcher = JavaPatternMatcher(
                            instructions: instructions,
                            sets: sets,
                            loopContexts: loopContexts,
                            asciiMasks: asciiMasks,
                            bytes: bytes,
                            slotCount: captures ? 2 * (program.groupCount + 1) : 0,
                            registerCount: captures ? program.registerCount : 0
                        )
                        defer { matcher.deallocate() }
                        return matcher.run(anchored: anchored)
                    }
                }
            }
        }
    }

    private init(
        instructions: UnsafeBufferPointer<JavaPatternProgram.Instruction>,
        sets: UnsafeBufferPointer<JavaScalarSet>,
        loopContexts: UnsafeBufferPointer<Int>,
        asciiMasks: UnsafeBufferPointer<UInt64>,
        bytes: UnsafeBufferPointer<UInt8>,
        slotCount: Int,
        registerCount: Int
    ) {
        self.instructions = instructions
        self.sets = sets
        self.loopContexts = loopContexts
        self.asciiMasks = asciiMasks
        self.bytes = bytes
        self.slotCount = slotCount
        width = slotCount + registerCount
        size = instructions.count
        pcs = .allocate(capacity: 2 * size)
        pcs.initialize(repeating: 0)
        states = .allocate(capacity: max(1, 2 * size * width))
        states.initialize(repeating: -1)
        visited = .allocate(capacity: 2 * (size << Self.keyShift))
        visited.initialize(repeating: 0)
        appended = .allocate(capacity: 2 * size)
        appended.initialize(repeating: 0)
        scratch = .allocate(capacity: max(1, width))
        scratch.initialize(repeating: -1)
        // Each exploration key is followed at most once per walk and pushes at most two frames (a split's two
        // targets, or a restore and the next instruction).
        let stackCapacity = 2 * (size << Self.keyShift) + 2
        stack = .allocate(capacity: stackCapacity)
        stack.initialize(repeating: 0)
        stackValues = .allocate(capacity: stackCapacity)
        stackValues.initialize(repeating: 0)
    }

    private func deallocate() {
        pcs.deallocate()
        states.deallocate()
        visited.deallocate()
        appended.deallocate()
        scratch.deallocate()
        stack.deallocate()
        stackValues.deallocate()
    }

    @inline(__always)
    private mutating func push(_ pc: Int) {
        stack[stackTop] = pc
        stackTop += 1
    }

    @inline(__always)
    private mutating func pushRestore(slot: Int) {
        stack[stackTop] = -1 - slot
        stackValues[stackTop] = scratch[slot]
        stackTop += 1
    }

    // MARK: - Lists

    private func generation(_ half: Int) -> UInt32 { half == 0 ? generations.0 : generations.1 }

    private func count(_ half: Int) -> Int { half == 0 ? counts.0 : counts.1 }

    private mutating func clear(_ half: Int) {
        if half == 0 { counts.0 = 0 } else { counts.1 = 0 }
        var next = generation(half) &+ 1
        if next == 0 {
            // After 2^32 steps the stamps would repeat: start them over.
            let visitedSize = size << Self.keyShift
            for index in 0..<visitedSize { visited[half * visitedSize + index] = 0 }
            for index in 0..<size { appended[half * size + index] = 0 }
            next = 1
        }
        if half == 0 { generations.0 = next } else { generations.1 = next }
    }

    private mutating func run(anchored: Bool) -> [Int]? {
        let end = bytes.count
        var matched: [Int]?
        var position = 0
        clear(currentHalf)
        while true {
            // A new thread at each start position, after (below) every thread that started earlier.
            if matched == nil, !anchored || position == 0 {
                for slot in 0..<width { scratch[slot] = -1 }
                addThread(half: currentHalf, pc: 0, position: position)
            }
            // Nothing left to run: done, unless a search still has start positions to try.
            let current = currentHalf
            let next = 1 - current
            let running = count(current)
            if running == 0, anchored || matched != nil || position >= end { break }
            let (scalar, length) = position < end ? decode(at: position) : (UInt32.max, 0)
            clear(next)
            threads: for index in 0..<running {
                let thread = current * size + index
                let pc = pcs[thread]
                switch instructions[pc] {
                case .match:
                    if anchored, position != end { continue threads }
                    matched = (0..<slotCount).map { states[thread * width + $0] }
                    if width == 0 { return matched }
                    // Every thread after this one has lower priority: Java would never try it.
                    break threads
                case .scalar(let set):
                    guard position < end, contains(set, scalar) else { continue threads }
                    for slot in 0..<width { scratch[slot] = states[thread * width + slot] }
                    addThread(half: next, pc: pc + 1, position: position + length)
                default:
                    continue threads
                }
            }
            if position >= end { break }
            currentHalf = next
            position += length
        }
        return matched
    }

    /// Whether `sets[set]` holds `scalar`; ASCII from the masks, without copying the set (and its ranges array).
    @inline(__always)
    private func contains(_ set: Int, _ scalar: UInt32) -> Bool {
        if scalar < 64 { return asciiMasks[2 * set] & (1 << UInt64(scalar)) != 0 }
        if scalar < 128 { return asciiMasks[2 * set + 1] & (1 << UInt64(scalar - 64)) != 0 }
        return sets[set].contains(scalar)
    }

    /// Follows the instructions that consume nothing from `pc`, in priority order, with the state in `scratch`, and
    /// puts the threads that reach a `scalar` or `match` on the list.
    private mutating func addThread(half: Int, pc start: Int, position: Int) {
        let stamp = generation(half)
        let visitedBase = half * (size << Self.keyShift)
        push(start)
        while stackTop > 0 {
            stackTop -= 1
            let pc = stack[stackTop]
            if pc < 0 {
                scratch[-1 - pc] = stackValues[stackTop]
                continue
            }
            guard pc < size else { continue }
            let key = visitedBase + exploreKey(pc, position: position)
            if visited[key] == stamp { continue }
            visited[key] = stamp
            switch instructions[pc] {
            case .jump(let target):
                push(target)
            case .split(let first, let second):
                push(second)
                push(first)
            case .save(let slot):
                if slot < slotCount {
                    pushRestore(slot: slot)
                    scratch[slot] = position
                }
                push(pc + 1)
            case .mark(let register):
                if width > 0 {
                    pushRestore(slot: slotCount + register)
                    scratch[slotCount + register] = position
                }
                push(pc + 1)
            case .loopCheck(let register, let ifEmpty, let otherwise):
                let empty = width > 0 && scratch[slotCount + register] == position
                push(empty ? ifEmpty : otherwise)
            case .assert(let assertion):
                if holds(assertion, at: position) { push(pc + 1) }
            case .scalar, .match:
                append(half: half, pc: pc, stamp: stamp)
            }
        }
    }

    /// The instruction and, for each loop it is inside whose body can match empty, whether the loop's current
    /// iteration started at this position: threads that differ in that go different ways at the loop's end, so both
    /// are followed. Without groups the answer changes nothing (a thread in an empty iteration just dies), so it is
    /// left out.
    @inline(__always)
    private func exploreKey(_ pc: Int, position: Int) -> Int {
        var key = pc << Self.keyShift
        guard width > 0 else { return key }
        let base = pc * JavaPatternProgram.maxLoopNesting
        for depth in 0..<JavaPatternProgram.maxLoopNesting {
            let register = loopContexts[base + depth]
            if register < 0 { break }
            if scratch[slotCount + register] == position { key |= 1 << depth }
        }
        return key
    }

    /// Puts a thread at `pc` (a `scalar` or `match`) on the list, unless one is there: past this instruction the
    /// loop answers no longer matter (a scalar consumes, so no iteration started at the next position), and the
    /// thread that got here first has priority.
    private mutating func append(half: Int, pc: Int, stamp: UInt32) {
        guard appended[half * size + pc] != stamp else { return }
        appended[half * size + pc] = stamp
        let index = count(half)
        let thread = half * size + index
        pcs[thread] = pc
        for slot in 0..<width { states[thread * width + slot] = scratch[slot] }
        if half == 0 { counts.0 += 1 } else { counts.1 += 1 }
    }

    // MARK: - Input

    /// The scalar starting at `index` and its length in bytes. Swift strings hold valid UTF-8; a truncated sequence
    /// (impossible there) reads as U+FFFD rather than past the end.
    private func decode(at index: Int) -> (UInt32, Int) {
        let lead = UInt32(bytes[index])
        if lead < 0x80 { return (lead, 1) }
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
        guard index + length <= bytes.count else { return (0xFFFD, 1) }
        var value = lead & (lead >= 0xF0 ? 0x07 : lead >= 0xE0 ? 0x0F : 0x1F)
        for offset in 1..<length { value = value << 6 | (UInt32(bytes[index + offset]) & 0x3F) }
        return (value, length)
    }

    /// The scalar that ends just before `index` (> 0) and where it starts.
    private func decode(before index: Int) -> (UInt32, Int) {
        var start = index - 1
        while start > 0, start > index - 4, bytes[start] & 0xC0 == 0x80 { start -= 1 }
        return (decode(at: start).0, start)
    }

    // MARK: - Assertions

    private func holds(_ assertion: JavaPatternNode.Assertion, at position: Int) -> Bool {
        let end = bytes.count
        switch assertion {
        case .inputStart:
            return position == 0
        case .inputEnd:
            return position == end
        case .lineStart(let unixLines):
            // Java's `Caret`: never at the end of the input, even after a line terminator.
            if position == end { return false }
            if position == 0 { return true }
            let previous = decode(before: position).0
            if unixLines { return previous == 0x0A }
            return Self.isLineTerminator(previous) && !(previous == 0x0D && bytes[position] == 0x0A)
        case .inputEndBeforeFinalTerminator(let unixLines):
            if position == end { return true }
            if unixLines { return position == end - 1 && bytes[position] == 0x0A }
            if position == end - 2, bytes[position] == 0x0D, bytes[position + 1] == 0x0A { return true }
            let (scalar, length) = decode(at: position)
            guard position + length == end, Self.isLineTerminator(scalar) else { return false }
            return !(scalar == 0x0A && position > 0 && bytes[position - 1] == 0x0D)
        case .lineEnd(let unixLines):
            if position == end { return true }
            if unixLines { return bytes[position] == 0x0A }
            let scalar = decode(at: position).0
            if scalar == 0x0A { return !(position > 0 && bytes[position - 1] == 0x0D) }
            return Self.isLineTerminator(scalar)
        case .wordBoundary(let negated):
            let left = position > 0 && isWord(endingAt: position)
            let right = position < end && isWord(startingAt: position)
            return (left != right) != negated
        }
    }

    private static func isLineTerminator(_ scalar: UInt32) -> Bool {
        scalar == 0x0A || scalar == 0x0D || scalar == 0x85 || scalar == 0x2028 || scalar == 0x2029
    }

    /// Java 17's `Bound`: a word character is `_` or a letter or digit (Unicode), and a non-spacing mark counts as
    /// one when it follows one.
    private func isWord(startingAt index: Int) -> Bool {
        let scalar = decode(at: index).0
        if Self.isWordCharacter(scalar) { return true }
        return Self.isNonSpacingMark(scalar) && hasBaseCharacter(at: index)
    }

    private func isWord(endingAt index: Int) -> Bool {
        let (scalar, start) = decode(before: index)
        if Self.isWordCharacter(scalar) { return true }
        return Self.isNonSpacingMark(scalar) && hasBaseCharacter(at: start)
    }

    /// Whether the marks from `index` backwards sit on a letter or digit.
    private func hasBaseCharacter(at index: Int) -> Bool {
        var index = index
        while true {
            let scalar = decode(at: index).0
            if Self.isLetterOrDigit(scalar) { return true }
            guard Self.isNonSpacingMark(scalar), index > 0 else { return false }
            index = decode(before: index).1
        }
    }

    private static func isWordCharacter(_ scalar: UInt32) -> Bool {
        scalar == 0x5F || isLetterOrDigit(scalar)
    }

    private static func isLetterOrDigit(_ scalar: UInt32) -> Bool {
        if scalar < 0x80 { return JavaScalarSet.word.contains(scalar) && scalar != 0x5F }
        guard let value = Unicode.Scalar(scalar) else { return false }
        switch value.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .decimalNumber:
            return true
        default:
            return false
        }
    }

    private static func isNonSpacingMark(_ scalar: UInt32) -> Bool {
        guard scalar >= 0x80, let value = Unicode.Scalar(scalar) else { return false }
        return value.properties.generalCategory == .nonspacingMark
    }
}
