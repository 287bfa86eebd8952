import AWSCore
import Synchronization

/// The credential providers of one runtime's clients, one per role (and one for the default chain), so that a role
/// used in several regions is assumed once and its session shared, the default chain reads IMDS or the web
/// identity token once for all of them, and each source's account id is looked up once.
public final class CredentialSources: Sendable {
    struct Entry: Sendable {
        let provider: any CredentialProvider
        let source: String
        let account: AccountLookup
    }

    private let entries = Mutex<[String: Entry]>([:])

    /// Creates an empty set.
    public init() {}

    /// The provider for `roleARN` (`nil`: the default chain), built by `make` the first time it is asked for.
    func provider(roleARN: String?, make: () -> Entry) -> Entry {
        let key = roleARN ?? ""
        if let entry = entries.withLock({ $0[key] }) { return entry }
        let entry = make()
        return entries.withLock { entries in
            if let existing = entries[key] { return existing }
            entries[key] = entry
            return entry
        }
    }
}
