import Crypto
import FoundationEssentials
import NIOPosix
import Synchronization

/// Checks `Authorization: Basic` credentials against `basic_auth_users`, caching outcomes as exporter-toolkit does.
///
/// bcrypt is slow on purpose (~70 ms at cost 10), and Prometheus sends the same credentials on every scrape, so each
/// (user, hash, password) outcome is cached. The key is a SHA-256 of the three, so no password is kept in memory in
/// the clear; a changed hash in the file is a new key, so a password change takes effect on the next request.
public final class BasicAuthenticator: Sendable {
    /// exporter-toolkit's cache size; a few users with one password each fit many times over.
    static let cacheSize = 100

    /// A bcrypt hash of "fakepassword" (exporter-toolkit's): unknown users cost a bcrypt too, so timing does not tell
    /// which user names exist.
    static let unknownUserHash = "$2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi"

    private let cache = Mutex<[SHA256Digest: Bool]>([:])

    /// An authenticator with an empty cache.
    public init() {}

    /// Whether `authorization` (the header's value, if any) names a user of `users` with the right password.
    public func authenticate(authorization: String?, users: [String: String]) async -> Bool {
        guard let (user, password) = Self.credentials(authorization) else { return false }
        let known = users[user]
        let hash = known ?? Self.unknownUserHash
        var hasher = SHA256()
        for part in [user, hash, password] {
            hasher.update(data: withUnsafeBytes(of: UInt64(part.utf8.count).littleEndian) { Array($0) })
            hasher.update(data: Array(part.utf8))
        }
        let key = hasher.finalize()
        if let cached = cache.withLock({ $0[key] }) { return cached && known != nil }
        // Off the cooperative pool: a bcrypt blocks its thread for tens of milliseconds.
        let matches =
            (try? await NIOThreadPool.singleton.runIfActive { BcryptHash.verify(password, hash: hash) }) ?? false
        cache.withLock { cache in
            if cache.count >= Self.cacheSize, let victim = cache.keys.randomElement() { cache[victim] = nil }
            cache[key] = matches
        }
        return matches && known != nil
    }

    /// The user and password of a `Basic` authorization value, as Go's `Request.BasicAuth` reads it: the scheme is
    /// case-insensitive, the rest is standard base64 of `user:password`, split at the first colon.
    static func credentials(_ authorization: String?) -> (String, String)? {
        guard let authorization else { return nil }
        let prefix = "basic "
        guard authorization.count > prefix.count, authorization.prefix(prefix.count).lowercased() == prefix else {
            return nil
        }
        guard let data = Data(base64Encoded: String(authorization.dropFirst(prefix.count))),
            let text = String(data: data, encoding: .utf8),
            let colon = text.firstIndex(of: ":")
        else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }
}
