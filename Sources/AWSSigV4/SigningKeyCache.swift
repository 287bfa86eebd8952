import Synchronization

/// The last signing key one caller derived, kept for the rest of its day: deriving it takes four HMAC-SHA256
/// rounds, and every request of a caller (one service in one region) signs with the same key until the
/// credentials rotate or the UTC date changes.
public final class SigningKeyCache: Sendable {
    private struct Entry {
        let secretAccessKey: String
        let date: String
        let region: String
        let service: String
        let key: SigningKey
    }

    private let last = Mutex<Entry?>(nil)

    /// Creates an empty cache.
    public init() {}

    /// The key for this secret, day (`yyyyMMdd`), region and service, derived only when one of them changed.
    package func key(secretAccessKey: String, date: String, region: String, service: String) -> SigningKey {
        if let entry = last.withLock({ $0 }), entry.date == date, entry.region == region, entry.service == service,
            entry.secretAccessKey == secretAccessKey
        {
            return entry.key
        }
        let key = SigningKey(secretAccessKey: secretAccessKey, date: date, region: region, service: service)
        last.withLock {
            $0 = Entry(secretAccessKey: secretAccessKey, date: date, region: region, service: service, key: key)
        }
        return key
    }
}
