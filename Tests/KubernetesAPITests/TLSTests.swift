import Foundation
import NIOSSL
import Testing

@testable import KubernetesAPI

/// TLS to the API server with a CA made at test time: verified against the configured CA only, and client
/// certificates from a kubeconfig.
@Suite struct TLSTests {
    static func serverTLS(_ certificates: TestCertificates, requireClientCertificate: Bool) throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(certificates.serverCertificatePEM.utf8))
                .map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(certificates.serverKeyPEM.utf8), format: .pem))
        )
        if requireClientCertificate {
            configuration.certificateVerification = .noHostnameVerification
            configuration.trustRoots = .certificates(
                try NIOSSLCertificate.fromPEMBytes(Array(certificates.authorityPEM.utf8))
            )
        }
        return configuration
    }

    static func directory(
        _ access: KubernetesAccess,
        timing: TestTiming = TestTiming()
    ) throws -> RunningDirectory {
        var configuration = KubernetesDirectoryConfiguration(access: access)
        configuration.watchesTargetGroupBindings = false
        let directory = try KubernetesServiceDirectory(
            configuration: configuration,
            logger: quietLogger,
            timing: timing.timing
        )
        return RunningDirectory(directory: directory, task: Task { await directory.run() })
    }

    @Test func theServerIsVerifiedAgainstTheConfiguredCAOnly() async throws {
        let certificates = try await TestCertificates.get()
        let server = try await FakeKubernetesAPIServer.start(
            tls: Self.serverTLS(certificates, requireClientCertificate: false),
            extraHosts: ["127.0.0.2"]
        )
        ListAndWatchTests.seed(server)
        #expect(server.baseURL.hasPrefix("https://127.0.0.1:"))

        let trusted = try Self.directory(
            KubernetesAccess(
                serverURL: server.baseURL,
                certificateAuthorityPEM: Array(certificates.authorityPEM.utf8),
                credentials: .init(bearerToken: .value("test-token"))
            )
        )
        let untrusted = try Self.directory(
            KubernetesAccess(
                serverURL: server.baseURL,
                certificateAuthorityPEM: Array(certificates.otherAuthorityPEM.utf8),
                credentials: .init(bearerToken: .value("test-token"))
            )
        )
        // The address in the URL must match the certificate: 127.0.0.2 reaches the same server, but the certificate
        // names only 127.0.0.1. (Addresses, not names: a name would make the test wait for the resolver.)
        let wrongName = try Self.directory(
            KubernetesAccess(
                serverURL: server.url(host: "127.0.0.2"),
                certificateAuthorityPEM: Array(certificates.authorityPEM.utf8),
                credentials: .init(bearerToken: .value("test-token"))
            )
        )

        let synced = try await trusted.directory.waitUntil("synced over TLS") { $0.serviceStatus.state == .synced }
        #expect(synced.service(forLoadBalancerDNSName: "cart.elb.amazonaws.com") != nil)
        let refused = try await untrusted.directory.waitUntil("refused by verification") {
            $0.serviceStatus.state == .failing
        }
        #expect(refused.services.isEmpty)
        #expect(refused.serviceStatus.lastError?.isEmpty == false)
        try await wrongName.directory.waitUntil("a host that does not match fails") {
            $0.serviceStatus.state == .failing
        }
        // The server saw no request from the clients that did not trust it: TLS failed before HTTP.
        #expect(server.requests.allSatisfy { $0.status == 200 })
        try await trusted.stop()
        try await untrusted.stop()
        try await wrongName.stop()
    }

    @Test func aClientCertificateFromAKubeconfigAuthenticates() async throws {
        let certificates = try await TestCertificates.get()
        let server = try await FakeKubernetesAPIServer.start(
            acceptedTokens: [],
            tls: Self.serverTLS(certificates, requireClientCertificate: true)
        )
        server.setAcceptsClientCertificates(true)
        ListAndWatchTests.seed(server)
        let directory = try TemporaryDirectory()
        func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
        let path = try directory.write(
            "kubeconfig",
            """
            apiVersion: v1
            kind: Config
            current-context: local
            contexts:
            - name: local
              context: {cluster: local, user: exporter}
            clusters:
            - name: local
              cluster:
                server: \(server.baseURL)
                certificate-authority-data: \(base64(certificates.authorityPEM))
            users:
            - name: exporter
              user:
                client-certificate-data: \(base64(certificates.clientCertificatePEM))
                client-key-data: \(base64(certificates.clientKeyPEM))
            """
        )
        let running = try Self.directory(KubernetesAccess.kubeconfig(path: path))
        let snapshot = try await running.directory.waitUntil("synced with the client certificate") {
            $0.serviceStatus.state == .synced
        }
        #expect(snapshot.services.count == 3)
        #expect(server.requests.allSatisfy { $0.authorization == nil && $0.status == 200 })
        try await running.stop()
    }
}
