/// An index from a string (a hostname, a target group) to the objects that claim it.
///
/// Almost always one object claims a key, which costs no allocation beyond the dictionary entry; when several do
/// (two Services briefly showing the same hostname while one is replaced), all are kept in order, so that removing
/// one leaves the others found. Lookups return the smallest owner that matches, deterministically.
struct ClaimIndex<Owner: Hashable & Comparable & Sendable>: Sendable {
    private enum Claim: Sendable {
        case one(Owner)
        /// Sorted, at least two.
        case many([Owner])
    }

    private var claims: [String: Claim] = [:]

    /// The number of keys claimed.
    var count: Int { claims.count }

    /// Records that `owner` claims `key`.
    mutating func add(_ key: String, _ owner: Owner) {
        switch claims[key] {
        case nil:
            claims[key] = .one(owner)
        case .one(let existing):
            if existing != owner { claims[key] = .many([existing, owner].sorted()) }
        case .many(var owners):
            guard !owners.contains(owner) else { return }
            owners.append(owner)
            owners.sort()
            claims[key] = .many(owners)
        }
    }

    /// Records that `owner` no longer claims `key`.
    mutating func remove(_ key: String, _ owner: Owner) {
        switch claims[key] {
        case nil:
            return
        case .one(let existing):
            if existing == owner { claims[key] = nil }
        case .many(var owners):
            owners.removeAll { $0 == owner }
            claims[key] = owners.count == 1 ? .one(owners[0]) : .many(owners)
        }
    }

    /// The smallest owner of `key` for which `matches` is true.
    func firstOwner(of key: String, where matches: (Owner) -> Bool = { _ in true }) -> Owner? {
        switch claims[key] {
        case nil: nil
        case .one(let owner): matches(owner) ? owner : nil
        case .many(let owners): owners.first(where: matches)
        }
    }
}
