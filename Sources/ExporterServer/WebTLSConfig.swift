/// `tls_server_config` of a web configuration file, validated but not yet loaded (files are read per handshake
/// generation by ``WebConfigStore``).
public struct WebTLSConfig: Sendable, Equatable {
    /// Where PEM text comes from: a file (relative paths are already joined with the web config's directory, as
    /// exporter-toolkit's `SetDirectory` does) or the inline form (`cert`, `key`, `client_ca`).
    public enum Source: Sendable, Equatable {
        case file(String)
        case inline(String)
    }

    /// `client_auth_type`, Go's `tls.ClientAuthType` names.
    public enum ClientAuth: String, Sendable, Equatable, CaseIterable {
        case noClientCert = "NoClientCert"
        case requestClientCert = "RequestClientCert"
        case requireAnyClientCert = "RequireAnyClientCert"
        case verifyClientCertIfGiven = "VerifyClientCertIfGiven"
        case requireAndVerifyClientCert = "RequireAndVerifyClientCert"

        /// Parses a name; `RequireClientCert` is exporter-toolkit's backwards-compatible alias of
        /// `RequireAnyClientCert`, and the empty string means `NoClientCert`.
        init?(name: String) {
            switch name {
            case "", "NoClientCert": self = .noClientCert
            case "RequireClientCert": self = .requireAnyClientCert
            default:
                guard let value = ClientAuth(rawValue: name) else { return nil }
                self = value
            }
        }
    }

    /// `min_version` / `max_version`: `TLS10` … `TLS13`.
    public enum Version: String, Sendable, Equatable, Comparable, CaseIterable {
        case tls10 = "TLS10"
        case tls11 = "TLS11"
        case tls12 = "TLS12"
        case tls13 = "TLS13"

        private var order: Int {
            switch self {
            case .tls10: 0
            case .tls11: 1
            case .tls12: 2
            case .tls13: 3
            }
        }

        public static func < (lhs: Version, rhs: Version) -> Bool { lhs.order < rhs.order }
    }

    /// The server certificate (`cert_file`, or `cert` inline).
    public var certificate: Source
    /// The server key (`key_file`, or `key` inline, which is a secret and never printed).
    public var key: Source
    /// The CA that client certificates are verified against (`client_ca_file` or `client_ca`).
    public var clientCA: Source?
    /// `client_auth_type`, default `NoClientCert`.
    public var clientAuth: ClientAuth
    /// `min_version`, default `TLS12`.
    public var minVersion: Version
    /// `max_version`, default `TLS13`.
    public var maxVersion: Version
    /// `cipher_suites`: Go names, resolved to IANA code points. Empty means Go's defaults,
    /// ``defaultCipherSuites``.
    public var cipherSuites: [UInt16]
    /// `curve_preferences`: Go names, resolved to TLS group code points. Empty means Go's defaults, ``defaultCurves``.
    public var curvePreferences: [UInt16]
    /// `prefer_server_cipher_suites`, default `true`. Go has ignored it since 1.18; so does this exporter.
    public var preferServerCipherSuites: Bool
    /// `client_allowed_sans`: when set, a client certificate must carry one of these DNS, IP, e-mail or URI SANs.
    public var clientAllowedSANs: [String]?

    /// A TLS configuration with exporter-toolkit's defaults for everything but the certificate and key.
    public init(
        certificate: Source,
        key: Source,
        clientCA: Source? = nil,
        clientAuth: ClientAuth = .noClientCert,
        minVersion: Version = .tls12,
        maxVersion: Version = .tls13,
        cipherSuites: [UInt16] = [],
        curvePreferences: [UInt16] = [],
        preferServerCipherSuites: Bool = true,
        clientAllowedSANs: [String]? = nil
    ) {
        self.certificate = certificate
        self.key = key
        self.clientCA = clientCA
        self.clientAuth = clientAuth
        self.minVersion = minVersion
        self.maxVersion = maxVersion
        self.cipherSuites = cipherSuites
        self.curvePreferences = curvePreferences
        self.preferServerCipherSuites = preferServerCipherSuites
        self.clientAllowedSANs = clientAllowedSANs
    }

    /// The cipher suite names Go's `tls.CipherSuites()` returns (the only names exporter-toolkit accepts), with
    /// their IANA code points. TLS 1.3 suites are accepted and, as in Go, not configurable.
    public static let cipherSuiteNames: [String: UInt16] = [
        "TLS_RSA_WITH_AES_128_CBC_SHA": 0x002F,
        "TLS_RSA_WITH_AES_256_CBC_SHA": 0x0035,
        "TLS_RSA_WITH_AES_128_GCM_SHA256": 0x009C,
        "TLS_RSA_WITH_AES_256_GCM_SHA384": 0x009D,
        "TLS_AES_128_GCM_SHA256": 0x1301,
        "TLS_AES_256_GCM_SHA384": 0x1302,
        "TLS_CHACHA20_POLY1305_SHA256": 0x1303,
        "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA": 0xC009,
        "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA": 0xC00A,
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA": 0xC013,
        "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA": 0xC014,
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256": 0xC02B,
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384": 0xC02C,
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256": 0xC02F,
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384": 0xC030,
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256": 0xCCA8,
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256": 0xCCA9,
    ]

    /// The TLS 1.0–1.2 suites a Go server (1.23 and later; exporter-toolkit leaves `CipherSuites` nil) accepts
    /// without `cipher_suites`, in Go's preference order: ECDHE key exchange only, so every session has forward
    /// secrecy. Go 1.22 dropped the RSA key exchange suites (`TLS_RSA_WITH_*`) from its defaults and Go 1.23 the 3DES
    /// ones; CBC with SHA-256 and RC4 were never defaults. TLS 1.3 suites are not configurable, in Go or here.
    public static let defaultCipherSuites: [UInt16] = [
        0xC02B,  // TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
        0xC02F,  // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
        0xC02C,  // TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
        0xC030,  // TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
        0xCCA9,  // TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256
        0xCCA8,  // TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256
        0xC009,  // TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA
        0xC013,  // TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA
        0xC00A,  // TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA
        0xC014,  // TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA
    ]

    /// The key exchange groups a Go server (1.24 and later) offers without `curve_preferences`, in its order:
    /// X25519MLKEM768 (hybrid post-quantum), X25519, P-256, P-384, P-521. BoringSSL's own default lacks P-521.
    public static let defaultCurves: [UInt16] = [0x11EC, 0x001D, 0x0017, 0x0018, 0x0019]

    /// The curve names exporter-toolkit accepts, with their TLS named-group code points.
    public static let curveNames: [String: UInt16] = [
        "CurveP256": 0x0017,
        "CurveP384": 0x0018,
        "CurveP521": 0x0019,
        "X25519": 0x001D,
    ]
}
