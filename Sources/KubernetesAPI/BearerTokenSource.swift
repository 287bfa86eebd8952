import FoundationEssentials
import Synchronization

/// The bearer token requests carry, re-read from its file when it may have changed.
///
/// The kubelet rotates projected service account tokens (hourly by default) and replaces the file atomically. A
/// token read more than ``refreshInterval`` ago is read again, and so is one the server just rejected with 401, as
/// client-go does. A file that cannot be read while a token is cached keeps the cached token: the old token may
/// still be valid, and the next request tries the file again.
final class BearerTokenSource: Sendable {
    /// How old a token read from a file may get before it is read again.
    static let refreshInterval: TimeInterval = 60

    private enum Origin {
        case value(String)
        case file(path: String)
    }

    private struct Cache {
        var token: String?
        var readAt: Date?
    }

    private let origin: Origin
    private let now: @Sendable () -> Date
    private let cache = Mutex(Cache())

    /// - Parameters:
    ///   - token: Where the token comes from.
    ///   - now: The clock that decides when the file is read again.
    init(_ token: KubernetesCredentials.BearerToken, now: @escaping @Sendable () -> Date) {
        switch token {
        case .value(let value): origin = .value(value)
        case .file(let path): origin = .file(path: path)
        }
        self.now = now
    }

    /// The token to send now: the cached one, or the file's content when the cache is older than a minute.
    func current() throws(KubernetesAccessError) -> String {
        switch origin {
        case .value(let value):
            guard Self.isHeaderSafe(value), !value.isEmpty else {
                throw KubernetesAccessError(
                    key: "token",
                    message: "the token is empty or holds characters a token cannot have"
                )
            }
            return value
        case .file(let path):
            let time = now()
            let cached = cache.withLock { cache -> String? in
                guard let token = cache.token, let readAt = cache.readAt else { return nil }
                let age = time.timeIntervalSince(readAt)
                // A clock that went backwards also reads the file again.
                return age >= 0 && age < Self.refreshInterval ? token : nil
            }
            if let cached { return cached }
            return try reload(path: path, at: time).token
        }
    }

    /// Reads the file again after the server rejected the token.
    /// - Returns: Whether the token changed (only then is retrying the request worth it).
    func reloadAfterRejection() -> Bool {
        guard case .file(let path) = origin else { return false }
        return (try? reload(path: path, at: now()).changed) ?? false
    }

    private func reload(path: String, at time: Date) throws(KubernetesAccessError) -> (token: String, changed: Bool) {
        let token: String
        do throws(KubernetesAccessError) {
            token = try Self.readToken(path: path)
        } catch {
            if let cached = cache.withLock({ $0.token }) { return (cached, false) }
            throw error
        }
        return cache.withLock { cache in
            let changed = cache.token != token
            cache = Cache(token: token, readAt: time)
            return (token, changed)
        }
    }

    /// The token in `path`, without surrounding whitespace; an error naming the file when it is missing or empty.
    static func readToken(path: String) throws(KubernetesAccessError) -> String {
        let bytes = try LocalFile.read(path, limit: LocalFile.tokenLimit)
        let token = String(decoding: bytes, as: UTF8.self).trimmingASCIIWhitespace()
        guard !token.isEmpty else {
            throw KubernetesAccessError(file: path, message: "the token file is empty")
        }
        // A header value cannot carry control characters; a file with them is not a token.
        guard isHeaderSafe(token) else {
            throw KubernetesAccessError(file: path, message: "the token file holds characters a token cannot have")
        }
        return token
    }

    /// No control characters: the token goes into an HTTP header line.
    static func isHeaderSafe(_ token: String) -> Bool {
        token.utf8.allSatisfy { $0 >= 0x20 && $0 != 0x7F }
    }
}
