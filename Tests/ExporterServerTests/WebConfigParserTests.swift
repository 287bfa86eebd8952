import Foundation
import Testing

@testable import ExporterServer

@Suite struct WebConfigParserTests {
    /// A bcrypt hash of "fakepassword" (exporter-toolkit's fixed hash), in htpasswd's `$2y$` form.
    static let hash = "$2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi"

    func parse(_ text: String) throws -> WebConfig {
        try WebConfigParser.parse(text, file: "/etc/exporter/web.yml")
    }

    func problems(_ text: String) -> [WebConfigError.Problem] {
        do {
            _ = try parse(text)
            return []
        } catch let error as WebConfigError {
            return error.problems
        } catch {
            return [.init(line: 0, column: 0, key: "", message: "\(error)")]
        }
    }

    @Test func emptyFileIsPlainHTTPWithDefaults() throws {
        #expect(try parse("") == WebConfig())
        #expect(try parse("# nothing\n") == WebConfig())
        #expect(try parse("tls_server_config:\nhttp_server_config:\n").tls == nil)
    }

    @Test func fullFile() throws {
        let config = try parse(
            """
            tls_server_config:
              cert_file: server.crt
              key_file: /abs/server.key
              client_auth_type: RequireAndVerifyClientCert
              client_ca_file: ca.crt
              client_allowed_sans: [prometheus.example, 10.0.0.1]
              min_version: TLS13
              max_version: TLS13
              cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_AES_128_GCM_SHA256]
              curve_preferences: [X25519, CurveP256]
              prefer_server_cipher_suites: no
            http_server_config:
              http2: false
              headers:
                X-Frame-Options: deny
                Strict-Transport-Security: max-age=31536000
            basic_auth_users:
              prometheus: \(Self.hash)
            """
        )
        let tls = try #require(config.tls)
        // Relative paths are relative to the web config's directory, as exporter-toolkit's SetDirectory makes them.
        #expect(tls.certificate == .file("/etc/exporter/server.crt"))
        #expect(tls.key == .file("/abs/server.key"))
        #expect(tls.clientCA == .file("/etc/exporter/ca.crt"))
        #expect(tls.clientAuth == .requireAndVerifyClientCert)
        #expect(tls.clientAllowedSANs == ["prometheus.example", "10.0.0.1"])
        #expect(tls.minVersion == .tls13 && tls.maxVersion == .tls13)
        #expect(tls.cipherSuites == [0xC02F, 0x1301])
        #expect(tls.curvePreferences == [0x1D, 0x17])
        #expect(tls.preferServerCipherSuites == false)
        #expect(config.http2 == false)
        #expect(config.headers == ["X-Frame-Options": "deny", "Strict-Transport-Security": "max-age=31536000"])
        #expect(config.users == ["prometheus": Self.hash])
    }

    @Test func inlineFormsAndAliases() throws {
        let config = try parse(
            """
            tls_server_config:
              cert: "-----BEGIN CERTIFICATE-----"
              key: "secret key"
              client_ca: "-----BEGIN CERTIFICATE-----"
              client_auth_type: RequireClientCert
            """
        )
        #expect(config.tls?.certificate == .inline("-----BEGIN CERTIFICATE-----"))
        #expect(config.tls?.clientAuth == .requireAnyClientCert)
    }

    @Test func unknownKeysAreErrorsWithPosition() {
        let found = problems("tls_server_config:\n  cert_file: a\n  key_file: b\n  cert_flie: c\nfoo: 1\n")
        #expect(found.map(\.key) == ["tls_server_config.cert_flie", "foo"])
        #expect(found.first?.line == 4)
        #expect(found.first?.message.contains("unknown key \"cert_flie\"") == true)
        let description = "\(WebConfigError(file: "/w.yml", problems: found))"
        #expect(description.contains("/w.yml:4:3: tls_server_config.cert_flie: unknown key"))
    }

    @Test(arguments: [
        ("tls_server_config:\n  cert_file: a\n", "missing one of key or key_file"),
        ("tls_server_config:\n  key_file: a\n", "missing one of cert or cert_file"),
        (
            "tls_server_config:\n  client_auth_type: Sometimes\n  cert_file: a\n  key_file: b\n",
            "invalid ClientAuth: Sometimes"
        ),
        ("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_ca_file: c\n", "without a Client Auth Policy"),
        ("tls_server_config:\n  cert_file: a\n  cert: x\n  key_file: b\n", "either cert_file or cert"),
        ("tls_server_config:\n  cert_file: a\n  key_file: b\n  min_version: TLS14\n", "unknown TLS version: TLS14"),
        (
            "tls_server_config:\n  cert_file: a\n  key_file: b\n  min_version: TLS13\n  max_version: TLS12\n",
            "above max_version"
        ),
        (
            "tls_server_config:\n  cert_file: a\n  key_file: b\n  cipher_suites: [TLS_RSA_WITH_RC4_128_SHA]\n",
            "unknown cipher"
        ),
        ("tls_server_config:\n  cert_file: a\n  key_file: b\n  curve_preferences: [P-256]\n", "unknown curve: P-256"),
        ("http_server_config:\n  headers:\n    Server: x\n", "HTTP header \"Server\" can not be configured"),
        ("http_server_config:\n  headers:\n    X-Frame-Options: allow\n", "invalid value for X-Frame-Options"),
        ("http_server_config:\n  http2: maybe\n", "expected a boolean"),
        ("basic_auth_users:\n  alice: hunter2\n", "not a bcrypt hash"),
        (
            "basic_auth_users:\n  alice: $2x$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi\n",
            "$2x$ is not supported"
        ),
        ("rate_limit:\n  interval: soon\n  burst: 10\n", "rate_limit.interval: invalid duration"),
        ("rate_limit:\n  interval: 1s\n  burst: -1\n", "rate_limit.burst: expected a non-negative integer"),
        ("rate_limit:\n  every: 1s\n", "unknown key \"every\""),
        ("basic_auth_users: [a, b]\n", "expected a mapping"),
        ("tls_server_config:\n  cert_file: a\n  cert_file: b\n  key_file: c\n", "keys set more than once: cert_file"),
        ("tls_server_config: [\n", "invalid YAML"),
    ])
    func invalidFiles(text: String, expected: String) {
        let found = problems(text)
        #expect(found.contains { $0.description.contains(expected) }, "\(found)")
    }

    @Test func rateLimit() throws {
        #expect(
            try parse("rate_limit:\n  interval: 1.5s\n  burst: 3\n").rateLimit
                == .init(interval: .milliseconds(1500), burst: 3)
        )
        #expect(
            try parse("rate_limit:\n  interval: 1000000\n").rateLimit == .init(interval: .milliseconds(1), burst: 0)
        )
        // A zero interval disables the limiter, as in exporter-toolkit.
        #expect(try parse("rate_limit:\n  interval: 0\n  burst: 5\n").rateLimit == nil)
        #expect(try parse("rate_limit:\n").rateLimit == nil)
    }

    @Test(arguments: [("1h30m", 5_400_000), ("100ms", 100), ("1.5s", 1500), ("2us", 0), ("0", 0)])
    func goDurations(text: String, milliseconds: Int64) throws {
        let value = try #require(GoDuration.parse(text))
        #expect(value / .milliseconds(1) == Double(milliseconds) || (text == "2us" && value == .microseconds(2)))
    }

    @Test(arguments: ["", "1", "s", "1x", "-1s", "1..5s", ".s", "1e400h"])
    func badGoDurations(text: String) {
        #expect(GoDuration.parse(text) == nil)
    }

    @Test func tokenBucket() {
        let start = ContinuousClock.now
        let limiter = RateLimiter(interval: .seconds(10), burst: 2)
        #expect(limiter.allow(now: start))
        #expect(limiter.allow(now: start))
        #expect(!limiter.allow(now: start + .seconds(5)))
        #expect(limiter.allow(now: start + .seconds(15)))
        #expect(!limiter.allow(now: start + .seconds(16)))
        #expect(!RateLimiter(interval: .seconds(1), burst: 0).allow())
    }

    @Test func secretsAreNotInMessages() {
        let found = problems("basic_auth_users:\n  alice: hunter2-not-a-hash\n")
        #expect(!found.isEmpty)
        #expect(!found.contains { $0.description.contains("hunter2") })
    }

    @Test func bcryptVerification() {
        #expect(BcryptHash.verify("fakepassword", hash: Self.hash))
        #expect(!BcryptHash.verify("wrong", hash: Self.hash))
        #expect(!BcryptHash.verify("fakepassword\u{0}", hash: Self.hash))
        #expect(BcryptHash.problem(Self.hash) == nil)
        #expect(BcryptHash.problem("$2y$03$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi") != nil)
    }

    @Test func basicCredentials() {
        let value = "Basic " + Data("user:pa:ss".utf8).base64EncodedString()
        #expect(BasicAuthenticator.credentials(value).map { [$0.0, $0.1] } == ["user", "pa:ss"])
        #expect(BasicAuthenticator.credentials("basic " + Data("u:".utf8).base64EncodedString()).map { $0.1 } == "")
        #expect(BasicAuthenticator.credentials("Bearer abc") == nil)
        #expect(BasicAuthenticator.credentials("Basic !!!") == nil)
        #expect(BasicAuthenticator.credentials(nil) == nil)
    }

    @Test func authenticatorCachesOutcomes() async {
        let authenticator = BasicAuthenticator()
        let users = ["prometheus": Self.hash]
        let good = "Basic " + Data("prometheus:fakepassword".utf8).base64EncodedString()
        let bad = "Basic " + Data("prometheus:nope".utf8).base64EncodedString()
        let stranger = "Basic " + Data("mallory:fakepassword".utf8).base64EncodedString()
        #expect(await authenticator.authenticate(authorization: good, users: users))
        #expect(await authenticator.authenticate(authorization: good, users: users))
        #expect(!(await authenticator.authenticate(authorization: bad, users: users)))
        #expect(!(await authenticator.authenticate(authorization: stranger, users: users)))
        #expect(!(await authenticator.authenticate(authorization: nil, users: users)))
    }

    @Test(arguments: [
        ("10s", 10_000), ("500ms", 500), ("1m30s", 90_000), ("1h", 3_600_000), ("0", 0), ("2d", 172_800_000),
    ])
    func flagDurations(text: String, milliseconds: Int64) {
        #expect(FlagDuration.parse(text) == .milliseconds(milliseconds))
    }

    @Test(arguments: ["", "10", "s", "1s1m", "1.5s", "-1s", "99999999999999999999s", "10x"])
    func badFlagDurations(text: String) {
        #expect(FlagDuration.parse(text) == nil)
    }

    @Test func clientSANFormatting() {
        #expect(ClientSANHandler.format(ip: [127, 0, 0, 1]) == "127.0.0.1")
        #expect(ClientSANHandler.format(ip: [UInt8](repeating: 0, count: 15) + [1]) == "::1")
        #expect(ClientSANHandler.format(ip: [1, 2, 3]) == nil)
    }
}
