import Crypto
import FoundationEssentials
import Logging
import Synchronization

/// The web config file, re-read as exporter-toolkit re-reads it: on every request (for users and headers) and on
/// every TLS handshake (for certificates), so a rotated certificate or a changed password needs no restart.
///
/// Reading a few small files is cheap; parsing YAML, building an SSL context and running bcrypt are not. So every
/// read is compared by SHA-256 with the previous one, and parsing or a new `NIOSSLContext` happens only when the
/// bytes changed.
public final class WebConfigStore: Sendable {
    /// The `--web.config.file` path.
    public let path: String
    /// Whether the server speaks TLS. Decided at start-up as exporter-toolkit decides it: a later edit can change
    /// certificates but not turn TLS on or off (handshakes fail instead while the file lacks TLS).
    public let servesTLS: Bool
    /// `http_server_config.http2` at start-up (exporter-toolkit: "can not be changed on the fly").
    public let http2: Bool
    /// `rate_limit` at start-up: exporter-toolkit builds its limiter once, when it starts serving.
    let rateLimiter: RateLimiter?

    private struct State {
        var configDigest: SHA256Digest?
        var config: Result<WebConfig, WebConfigError>
        var tlsDigest: SHA256Digest?
        var tls: Result<WebTLSContext, WebConfigError>?
    }

    private let state: Mutex<State>
    private let logger: Logger

    /// Loads and validates the file and, when it configures TLS, the certificates and keys it names.
    /// - Throws: ``WebConfigError`` with the file, key and problem; the server must not start.
    public init(path: String, logger: Logger) throws {
        self.path = path
        self.logger = logger
        let bytes = try Self.read(path)
        let config = try WebConfigParser.parse(String(decoding: bytes, as: UTF8.self), file: path)
        var state = State(configDigest: SHA256.hash(data: bytes), config: .success(config))
        if let tls = config.tls {
            let digest = try Self.tlsDigest(config: bytes, tls: tls, file: path)
            state.tlsDigest = digest
            state.tls = .success(try WebTLSContext(tls, file: path))
        }
        self.servesTLS = config.tls != nil
        self.http2 = config.http2
        self.rateLimiter = config.rateLimit.map { RateLimiter(interval: $0.interval, burst: $0.burst) }
        self.state = Mutex(state)
    }

    /// Validates the file as start-up does, without keeping anything: for `check-config`-style use and tests.
    /// - Throws: ``WebConfigError``.
    public static func validate(path: String) throws {
        _ = try WebConfigStore(path: path, logger: Logger(label: "web-config-check"))
    }

    /// The configuration as the file says now; a failure when the file became unreadable or invalid since start-up
    /// (the request is then answered 500, as exporter-toolkit answers it).
    public func current() -> Result<WebConfig, WebConfigError> {
        let bytes: [UInt8]
        do {
            bytes = try Self.read(path)
        } catch let error as WebConfigError {
            return record(.failure(error), digest: nil)
        } catch {
            return .failure(WebConfigError(file: path, message: "cannot read the file"))
        }
        let digest = SHA256.hash(data: bytes)
        if let cached = state.withLock({ $0.configDigest == digest ? $0.config : nil }) { return cached }
        let result: Result<WebConfig, WebConfigError>
        do {
            result = .success(try WebConfigParser.parse(String(decoding: bytes, as: UTF8.self), file: path))
        } catch let error as WebConfigError {
            result = .failure(error)
        } catch {
            result = .failure(WebConfigError(file: path, message: "\(error)"))
        }
        return record(result, digest: digest)
    }

    /// The TLS context for a new connection: the cached one while the web config and the files it names are
    /// unchanged, a new one built from them otherwise.
    func tlsContext() -> Result<WebTLSContext, WebConfigError> {
        let config: WebConfig
        switch current() {
        case .failure(let error): return .failure(error)
        case .success(let value): config = value
        }
        guard let tls = config.tls else {
            return .failure(
                WebConfigError(
                    file: path,
                    key: "tls_server_config",
                    message: "TLS is no longer configured; refusing the handshake"
                )
            )
        }
        do {
            let configBytes = try Self.read(path)
            let digest = try Self.tlsDigest(config: configBytes, tls: tls, file: path)
            if let cached = state.withLock({ $0.tlsDigest == digest ? $0.tls : nil }) { return cached }
            let result: Result<WebTLSContext, WebConfigError>
            do {
                result = .success(try WebTLSContext(tls, file: path))
            } catch let error as WebConfigError {
                result = .failure(error)
            }
            state.withLock {
                $0.tlsDigest = digest
                $0.tls = result
            }
            switch result {
            case .success:
                logger.info("Web config: loaded new TLS certificates", metadata: ["web.config.file": "\(path)"])
            case .failure(let error): logger.error("Web config: TLS unusable", metadata: ["error": "\(error)"])
            }
            return result
        } catch let error as WebConfigError {
            logger.error("Web config: TLS unusable", metadata: ["error": "\(error)"])
            return .failure(error)
        } catch {
            return .failure(WebConfigError(file: path, message: "\(error)"))
        }
    }

    private func record(_ result: Result<WebConfig, WebConfigError>, digest: SHA256Digest?) -> Result<
        WebConfig, WebConfigError
    > {
        let changed = state.withLock { state -> Bool in
            let changed = state.configDigest != digest || digest == nil
            state.configDigest = digest
            state.config = result
            return changed
        }
        // Logged once per new content, not on every request that meets the same broken file.
        if changed, case .failure(let error) = result {
            logger.error("Web config: invalid, answering 500 until fixed", metadata: ["error": "\(error)"])
        } else if changed {
            logger.info("Web config: reloaded", metadata: ["web.config.file": "\(path)"])
        }
        return result
    }

    /// A digest over the web config and every PEM file it names, so any of them changing builds a new context.
    private static func tlsDigest(config: [UInt8], tls: WebTLSConfig, file: String) throws -> SHA256Digest {
        var hasher = SHA256()
        hasher.update(data: config)
        for (source, key) in [(tls.certificate, "cert"), (tls.key, "key")]
            + (tls.clientCA.map { [($0, "client_ca")] } ?? [])
        {
            let bytes = try WebTLSContext.read(source, key: key, file: file)
            // Length-prefixed, so moving bytes from one file to the next cannot give the same digest.
            hasher.update(data: withUnsafeBytes(of: UInt64(bytes.count).littleEndian) { Array($0) })
            hasher.update(data: bytes)
        }
        return hasher.finalize()
    }

    private static func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw WebConfigError(file: path, message: "cannot read the file")
        }
        guard data.count <= WebConfigParser.maximumFileSize else {
            throw WebConfigError(
                file: path,
                message: "the file is larger than \(WebConfigParser.maximumFileSize) bytes"
            )
        }
        return Array(data)
    }
}
