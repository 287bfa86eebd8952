/// "Did you mean …?" for unknown keys, by Levenshtein distance.
enum KeySuggestion {
    /// A message naming the nearest known key: a "did you mean" when it is close, else the nearest and the list.
    static func message(for key: String, known: [String]) -> String {
        guard let nearest = nearest(to: key, in: known) else { return "no keys are allowed here" }
        let distance = editDistance(key.lowercased(), nearest.lowercased())
        if distance <= max(2, key.count / 3) {
            return "did you mean \(nearest)?"
        }
        return "the nearest known key is \(nearest) (known keys: \(known.joined(separator: ", ")))"
    }

    static func nearest(to key: String, in known: [String]) -> String? {
        known.min { editDistance(key.lowercased(), $0.lowercased()) < editDistance(key.lowercased(), $1.lowercased()) }
    }

    static func editDistance(_ lhs: String, _ rhs: String) -> Int {
        let left = Array(lhs.unicodeScalars)
        let right = Array(rhs.unicodeScalars)
        if left.isEmpty { return right.count }
        if right.isEmpty { return left.count }
        var previous = Array(0...right.count)
        var current = Array(repeating: 0, count: right.count + 1)
        for leftIndex in 1...left.count {
            current[0] = leftIndex
            for rightIndex in 1...right.count {
                let substitution = previous[rightIndex - 1] + (left[leftIndex - 1] == right[rightIndex - 1] ? 0 : 1)
                current[rightIndex] = min(previous[rightIndex] + 1, current[rightIndex - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[right.count]
    }
}
