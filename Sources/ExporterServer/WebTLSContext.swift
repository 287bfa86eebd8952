import FoundationEssentials
import NIOCore
import NIOSSL

/// One loaded generation of `tls_server_config`: the SSL context every new connection's TLS handler is made from,
/// plus what NIOSSL's context does not carry (Go's `RequestClientCert`/`RequireAnyClientCert`, which ask for a
/// certificate without verifying it, and `client_allowed_sans`).
struct WebTLSContext: Sendable {
    /// The context, built once per changed configuration or certificate, not per connection.
    let context: NIOSSLContext
    /// Accept any presented client certificate unverified (`RequestClientCert`, `RequireAnyClientCert`).
    let acceptAnyClientCertificate: Bool
    /// `client_allowed_sans`: checked once the handshake completes, by ``ClientSANHandler``.
    let allowedSANs: [String]?

    /// Loads certificates and keys and builds the context.
    /// - Parameter file: the web config file, for messages.
    /// - Throws: ``WebConfigError`` naming the key whose file or text is unusable; never the key material itself.
    init(_ tls: WebTLSConfig, file: String) throws {
        let chain = try Self.certificates(tls.certificate, key: "cert", file: file)
        let keyBytes = try Self.read(tls.key, key: "key", file: file)
        let privateKey: NIOSSLPrivateKey
        do {
            privateKey = try NIOSSLPrivateKey(bytes: keyBytes, format: .pem)
        } catch {
            throw WebConfigError(file: file, key: Self.keyName(tls.key, "key"), message: "not a PEM private key")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) },
            privateKey: .privateKey(privateKey)
        )
        configuration.minimumTLSVersion = Self.version(tls.minVersion)
        configuration.maximumTLSVersion = Self.version(tls.maxVersion)
        // Go ignores TLS 1.3 suites in cipher_suites (1.3 suites are not configurable); so does BoringSSL, whose
        // cipher list would reject their names, so they are left out rather than passed on. Without any, Go's
        // defaults rather than BoringSSL's, which still accept RSA key exchange (no forward secrecy).
        let legacySuites = tls.cipherSuites.filter { $0 >> 8 != 0x13 }
        configuration.cipherSuiteValues = (legacySuites.isEmpty ? WebTLSConfig.defaultCipherSuites : legacySuites)
            .map(NIOTLSCipher.init(rawValue:))
        configuration.curves = (tls.curvePreferences.isEmpty ? WebTLSConfig.defaultCurves : tls.curvePreferences)
            .map(NIOTLSCurve.init(rawValue:))
        // Chosen when offered, as Go chooses it with `http2: false`; a client offering only h2 gets no protocol and
        // speaks HTTP/1.1 (docs/web-configuration.md: the exporter serves HTTP/1.1 only).
        configuration.applicationProtocols = ["http/1.1"]
        if let clientCA = tls.clientCA {
            configuration.trustRoots = .certificates(try Self.certificates(clientCA, key: "client_ca", file: file))
            // Go's server lists the client CAs' subjects in its CertificateRequest; clients pick their cert by it.
            configuration.sendCANameList = true
        }
        switch tls.clientAuth {
        case .noClientCert: configuration.certificateVerification = .none
        case .requestClientCert, .verifyClientCertIfGiven: configuration.certificateVerification = .optionalVerification
        case .requireAnyClientCert, .requireAndVerifyClientCert:
            configuration.certificateVerification = .noHostnameVerification
        }
        do {
            context = try NIOSSLContext(configuration: configuration)
        } catch {
            throw WebConfigError(
                file: file,
                key: "tls_server_config",
                message: "cannot build a TLS context (does the key belong to the certificate?): \(error)"
            )
        }
        acceptAnyClientCertificate = tls.clientAuth == .requestClientCert || tls.clientAuth == .requireAnyClientCert
        allowedSANs = tls.clientAllowedSANs
    }

    /// A TLS handler for one new connection.
    func makeHandler() -> NIOSSLServerHandler {
        if acceptAnyClientCertificate {
            return NIOSSLServerHandler(context: context) { _, promise in promise.succeed(.certificateVerified) }
        }
        return NIOSSLServerHandler(context: context)
    }

    private static func version(_ version: WebTLSConfig.Version) -> TLSVersion {
        switch version {
        case .tls10: .tlsv1
        case .tls11: .tlsv11
        case .tls12: .tlsv12
        case .tls13: .tlsv13
        }
    }

    private static func keyName(_ source: WebTLSConfig.Source, _ inline: String) -> String {
        if case .file = source { return "tls_server_config.\(inline)_file" }
        return "tls_server_config.\(inline)"
    }

    private static func certificates(_ source: WebTLSConfig.Source, key: String, file: String) throws
        -> [NIOSSLCertificate]
    {
        let bytes = try read(source, key: key, file: file)
        let certificates = try? NIOSSLCertificate.fromPEMBytes(bytes)
        guard let certificates, !certificates.isEmpty else {
            throw WebConfigError(file: file, key: keyName(source, key), message: "no PEM certificate in it")
        }
        return certificates
    }

    /// The PEM bytes of a source. The file's size is bounded: a certificate bundle is kilobytes.
    static func read(_ source: WebTLSConfig.Source, key: String, file: String) throws -> [UInt8] {
        switch source {
        case .inline(let text): return Array(text.utf8)
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw WebConfigError(file: file, key: keyName(source, key), message: "cannot read \(path)")
            }
            guard data.count <= 4 << 20 else {
                throw WebConfigError(file: file, key: keyName(source, key), message: "\(path) is larger than 4 MiB")
            }
            return Array(data)
        }
    }
}
