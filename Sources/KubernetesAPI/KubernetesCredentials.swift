/// How requests prove who they are: a bearer token (given, or read from a file that may rotate), a client
/// certificate, both, or neither.
///
/// Descriptions, debug descriptions and mirrors never contain a token or a key.
public struct KubernetesCredentials: Sendable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// Where the bearer token comes from.
    public enum BearerToken: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
        /// A token given as it is (kubeconfig `token`).
        case value(String)
        /// A file holding the token, re-read at least every minute and after every 401 answer, because projected
        /// service account tokens are rotated by the kubelet (kubeconfig `tokenFile`, or in-cluster).
        case file(path: String)

        /// Names the source without the token.
        public var description: String {
            switch self {
            case .value: "bearer token (redacted)"
            case .file(let path): "bearer token file \(path)"
            }
        }

        /// The same as ``description``.
        public var debugDescription: String { description }

        /// An empty mirror, so that `dump` does not print the token.
        public var customMirror: Mirror { Mirror(self, children: [:]) }
    }

    /// A TLS client certificate and its private key, both PEM.
    public struct ClientCertificate: Sendable, CustomStringConvertible, CustomDebugStringConvertible,
        CustomReflectable
    {
        /// The certificate, followed by any intermediate certificates, PEM encoded.
        public var certificateChainPEM: [UInt8]
        /// The private key, PEM encoded.
        public var privateKeyPEM: [UInt8]

        /// Creates the pair.
        /// - Parameters:
        ///   - certificateChainPEM: The certificate chain, PEM.
        ///   - privateKeyPEM: The private key, PEM.
        public init(certificateChainPEM: [UInt8], privateKeyPEM: [UInt8]) {
            self.certificateChainPEM = certificateChainPEM
            self.privateKeyPEM = privateKeyPEM
        }

        /// Says that there is a client certificate, without its key.
        public var description: String { "client certificate" }
        /// The same as ``description``.
        public var debugDescription: String { description }
        /// An empty mirror, so that `dump` does not print the key.
        public var customMirror: Mirror { Mirror(self, children: [:]) }
    }

    /// The bearer token sent as `Authorization: Bearer …`, if any.
    public var bearerToken: BearerToken?
    /// The TLS client certificate, if any.
    public var clientCertificate: ClientCertificate?

    /// Creates credentials.
    /// - Parameters:
    ///   - bearerToken: The bearer token source, if any.
    ///   - clientCertificate: The client certificate, if any.
    public init(bearerToken: BearerToken? = nil, clientCertificate: ClientCertificate? = nil) {
        self.bearerToken = bearerToken
        self.clientCertificate = clientCertificate
    }

    /// Names the kinds of credentials, never their secrets.
    public var description: String {
        let parts = [bearerToken?.description, clientCertificate?.description].compactMap { $0 }
        return parts.isEmpty ? "no credentials" : parts.joined(separator: " and ")
    }

    /// The same as ``description``.
    public var debugDescription: String { description }

    /// A mirror of the descriptions only.
    public var customMirror: Mirror { Mirror(self, children: ["credentials": description]) }
}
