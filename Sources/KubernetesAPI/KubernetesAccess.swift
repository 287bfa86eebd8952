import FoundationEssentials
import NIOCore
import NIOSSL

/// How to reach a Kubernetes API server: its URL, the certificate authority its serving certificate is checked
/// against, and the credentials requests carry.
///
/// Build it with ``inCluster(environment:fileSystemRoot:)`` (the pod's service account) or
/// ``kubeconfig(path:context:)``, or directly. TLS is always verified against ``certificateAuthorityPEM`` (or the
/// system trust roots when it is nil), host name included; there is no way to turn verification off.
public struct KubernetesAccess: Sendable, CustomStringConvertible {
    /// The server, e.g. `https://10.96.0.1:443` or `https://[fd00::1]:443`, with its path prefix if any.
    public var serverURL: String { server.description }
    /// PEM certificates the server's certificate must chain to; nil means the system trust roots.
    public let certificateAuthorityPEM: [UInt8]?
    /// What requests authenticate with.
    public let credentials: KubernetesCredentials
    /// Where this access came from, for logs and the status page: `in-cluster`, `kubeconfig PATH (context NAME)`.
    public let origin: String

    let server: KubernetesServerURL

    /// Creates an access description, checking the URL and that the certificates and key parse.
    /// - Parameters:
    ///   - serverURL: `https://host[:port][/prefix]`; `http://` only for a loopback host (a local `kubectl proxy`).
    ///   - certificateAuthorityPEM: PEM certificates to trust, or nil for the system trust roots.
    ///   - credentials: What requests carry.
    ///   - origin: Where this came from, for messages.
    /// - Throws: ``KubernetesAccessError`` naming what is wrong.
    public init(
        serverURL: String,
        certificateAuthorityPEM: [UInt8]? = nil,
        credentials: KubernetesCredentials = KubernetesCredentials(),
        origin: String = "explicit"
    ) throws(KubernetesAccessError) {
        let server = try KubernetesServerURL(parsing: serverURL)
        guard server.scheme == .https || server.isLoopback else {
            throw KubernetesAccessError(
                key: "server",
                message: "plain http:// is accepted only for a loopback host (kubectl proxy); use https://"
            )
        }
        try self.init(
            server: server,
            certificateAuthorityPEM: certificateAuthorityPEM,
            credentials: credentials,
            origin: origin
        )
    }

    init(
        server: KubernetesServerURL,
        certificateAuthorityPEM: [UInt8]?,
        credentials: KubernetesCredentials,
        origin: String
    ) throws(KubernetesAccessError) {
        self.server = server
        self.certificateAuthorityPEM = certificateAuthorityPEM
        self.credentials = credentials
        self.origin = origin
        // Parse now, so that a bad certificate or key is reported where it is configured, not at the first request.
        _ = try makeTLSConfiguration()
    }

    /// `serverURL (origin, credentials)`, without secrets.
    public var description: String { "\(serverURL) (\(origin), \(credentials))" }

    /// The TLS configuration for this server, or nil for plain HTTP: full verification (chain and host name),
    /// trusting only ``certificateAuthorityPEM`` when given, presenting the client certificate when there is one.
    func makeTLSConfiguration() throws(KubernetesAccessError) -> TLSConfiguration? {
        guard server.scheme == .https else { return nil }
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .fullVerification
        // Closing a connection waits for the server's close_notify; not the default 5 s, so that run() ends promptly
        // after cancellation even while a watch is streaming.
        configuration.shutdownTimeout = .milliseconds(500)
        if let certificateAuthorityPEM {
            let certificates: [NIOSSLCertificate]
            do {
                certificates = try NIOSSLCertificate.fromPEMBytes(certificateAuthorityPEM)
            } catch {
                throw KubernetesAccessError(key: "certificate-authority", message: "is not a PEM certificate bundle")
            }
            guard !certificates.isEmpty else {
                throw KubernetesAccessError(key: "certificate-authority", message: "holds no PEM certificate")
            }
            configuration.trustRoots = .certificates(certificates)
        }
        if let clientCertificate = credentials.clientCertificate {
            let chain: [NIOSSLCertificate]
            do {
                chain = try NIOSSLCertificate.fromPEMBytes(clientCertificate.certificateChainPEM)
            } catch {
                throw KubernetesAccessError(key: "client-certificate", message: "is not a PEM certificate")
            }
            guard !chain.isEmpty else {
                throw KubernetesAccessError(key: "client-certificate", message: "holds no PEM certificate")
            }
            let key: NIOSSLPrivateKey
            do {
                key = try NIOSSLPrivateKey(bytes: clientCertificate.privateKeyPEM, format: .pem)
            } catch {
                throw KubernetesAccessError(key: "client-key", message: "is not a PEM private key")
            }
            configuration.certificateChain = chain.map { .certificate($0) }
            configuration.privateKey = .privateKey(key)
        }
        return configuration
    }
}
