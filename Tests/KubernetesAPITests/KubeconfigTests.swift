import Foundation
import Testing

@testable import KubernetesAPI

/// The kubeconfig subset: what is read, what is refused, and that messages name file and key but no secret.
@Suite struct KubeconfigTests {
    static let secretToken = "eyJhbGciOiJSUzI1NiJ9.c2VjcmV0LXRva2VuLXZhbHVl.c2lnbmF0dXJl"

    static func kubeconfig(cluster: String, user: String, context: String = "prod", extra: String = "") -> String {
        """
        apiVersion: v1
        kind: Config
        current-context: \(context)
        contexts:
        - name: prod
          context:
            cluster: prod-cluster
            user: prod-user
            namespace: monitoring
        - name: staging
          context:
            cluster: staging-cluster
            user: staging-user
        clusters:
        - name: prod-cluster
          cluster:
        \(cluster)
        - name: staging-cluster
          cluster:
            server: https://staging.example.com:6443
        users:
        - name: prod-user
          user:
        \(user)
        - name: staging-user
          user:
            token: staging-token
        \(extra)
        """
    }

    /// Indents each line by four spaces, to sit under `cluster:` or `user:`.
    static func block(_ lines: String...) -> String {
        lines.map { "    " + $0 }.joined(separator: "\n")
    }

    func write(_ text: String, in directory: TemporaryDirectory) throws -> String {
        try directory.write("config", text)
    }

    @Test func tokenAndInlineCertificateAuthority() async throws {
        let certificates = try await TestCertificates.get()
        let directory = try TemporaryDirectory()
        let path = try write(
            Self.kubeconfig(
                cluster: Self.block(
                    "server: https://ABCD.gr7.us-east-1.eks.amazonaws.com",
                    "certificate-authority-data: \(Data(certificates.authorityPEM.utf8).base64EncodedString())"
                ),
                user: Self.block("token: \(Self.secretToken)")
            ),
            in: directory
        )
        let access = try KubernetesAccess.kubeconfig(path: path)
        #expect(access.serverURL == "https://ABCD.gr7.us-east-1.eks.amazonaws.com:443")
        #expect(access.certificateAuthorityPEM == Array(certificates.authorityPEM.utf8))
        guard case .value(let token) = access.credentials.bearerToken else {
            Issue.record("expected a static token, got \(access.credentials)")
            return
        }
        #expect(token == Self.secretToken)
        #expect(access.credentials.clientCertificate == nil)
        #expect(access.origin == "kubeconfig \(path) (context prod)")
        // No secret in any printed form.
        for text in [
            access.description, String(describing: access.credentials), String(reflecting: access.credentials),
        ] {
            #expect(!text.contains(Self.secretToken))
        }
        var dumped = ""
        dump(access, to: &dumped)
        #expect(!dumped.contains(Self.secretToken))
    }

    @Test func tokenFileAndCertificateAuthorityFileAreRelativeToTheKubeconfig() async throws {
        let certificates = try await TestCertificates.get()
        let directory = try TemporaryDirectory()
        try directory.write("secrets/token", "file-token\n")
        try directory.write("pki/ca.crt", certificates.authorityPEM)
        let path = try write(
            Self.kubeconfig(
                cluster: Self.block("server: https://10.0.0.1:6443/", "certificate-authority: pki/ca.crt"),
                user: Self.block("token: ignored-when-a-token-file-is-given", "tokenFile: secrets/token")
            ),
            in: directory
        )
        let access = try KubernetesAccess.kubeconfig(path: path)
        #expect(access.serverURL == "https://10.0.0.1:6443")
        #expect(access.certificateAuthorityPEM == Array(certificates.authorityPEM.utf8))
        guard case .file(let tokenPath) = access.credentials.bearerToken else {
            Issue.record("expected a token file, got \(access.credentials)")
            return
        }
        #expect(tokenPath == directory.path + "/secrets/token")
        #expect(try BearerTokenSource(.file(path: tokenPath), now: { Date() }).current() == "file-token")
    }

    @Test func clientCertificateFromFilesAndChosenContext() async throws {
        let certificates = try await TestCertificates.get()
        let directory = try TemporaryDirectory()
        let certificatePath = try directory.write("client.crt", certificates.clientCertificatePEM)
        let keyPath = try directory.write("client.key", certificates.clientKeyPEM)
        let path = try write(
            Self.kubeconfig(
                cluster: Self.block("server: https://[fd00::10]:6443/k8s/clusters/c-abc"),
                user: Self.block("client-certificate: \(certificatePath)", "client-key: \(keyPath)")
            ),
            in: directory
        )
        let access = try KubernetesAccess.kubeconfig(path: path)
        #expect(access.serverURL == "https://[fd00::10]:6443/k8s/clusters/c-abc")
        #expect(access.certificateAuthorityPEM == nil)  // the system trust roots
        #expect(access.credentials.bearerToken == nil)
        #expect(
            access.credentials.clientCertificate?.certificateChainPEM == Array(certificates.clientCertificatePEM.utf8)
        )
        #expect(!String(describing: access).contains("PRIVATE KEY"))

        let staging = try KubernetesAccess.kubeconfig(path: path, context: "staging")
        #expect(staging.serverURL == "https://staging.example.com:6443")
        #expect(staging.origin.hasSuffix("(context staging)"))
    }

    /// Each refused or broken kubeconfig, with the key its error must name.
    static let refusals: [(name: String, cluster: String, user: String, key: String, words: String)] = [
        (
            "exec plugin", block("server: https://k.example.com"),
            block("exec:", "  apiVersion: client.authentication.k8s.io/v1beta1", "  command: aws"),
            "users[name=prod-user].user.exec", "not supported"
        ),
        (
            "auth-provider plugin", block("server: https://k.example.com"),
            block("auth-provider:", "  name: gcp"),
            "users[name=prod-user].user.auth-provider", "not supported"
        ),
        (
            "insecure-skip-tls-verify", block("server: https://k.example.com", "insecure-skip-tls-verify: true"),
            block("token: \(secretToken)"),
            "clusters[name=prod-cluster].cluster.insecure-skip-tls-verify", "always verified"
        ),
        (
            "basic auth", block("server: https://k.example.com"),
            block("username: admin", "password: \(secretToken)"),
            "users[name=prod-user].user.password", "basic authentication"
        ),
        (
            "plain http to a remote host", block("server: http://k.example.com:8080"),
            block("token: \(secretToken)"),
            "clusters[name=prod-cluster].cluster.server", "https"
        ),
        (
            "certificate-authority-data that is not a certificate",
            block("server: https://k.example.com", "certificate-authority-data: bm90IGEgY2VydGlmaWNhdGU="),
            block("token: \(secretToken)"),
            "clusters[name=prod-cluster].cluster.certificate-authority", "PEM"
        ),
        (
            "client certificate without its key", block("server: https://k.example.com"),
            block("client-certificate-data: bm90IGEgY2VydGlmaWNhdGU="),
            "users[name=prod-user].user.client-key", "missing"
        ),
        (
            "missing server", block("certificate-authority: /nonexistent/ca.crt"),
            block("token: \(secretToken)"),
            "clusters[name=prod-cluster].cluster.server", "missing"
        ),
        (
            "missing token file", block("server: https://k.example.com"),
            block("tokenFile: does-not-exist"),
            "users[name=prod-user].user.tokenFile", "does not exist"
        ),
    ]

    @Test(arguments: 0..<refusals.count)
    func refusedConfigurationsNameFileAndKey(index: Int) throws {
        let refusal = Self.refusals[index]
        let directory = try TemporaryDirectory()
        let path = try write(Self.kubeconfig(cluster: refusal.cluster, user: refusal.user), in: directory)
        let error = try #require(throws: KubernetesAccessError.self, "\(refusal.name)") {
            try KubernetesAccess.kubeconfig(path: path)
        }
        #expect(error.file == path, "\(refusal.name)")
        #expect(error.key == refusal.key, "\(refusal.name): \(error)")
        #expect(error.description.contains(refusal.words), "\(refusal.name): \(error)")
        #expect(!error.description.contains(Self.secretToken), "\(refusal.name)")
    }

    @Test func contextProblemsAreNamed() throws {
        let directory = try TemporaryDirectory()
        let path = try write(
            Self.kubeconfig(cluster: Self.block("server: https://k.example.com"), user: Self.block("token: t")),
            in: directory
        )
        let unknown = try #require(throws: KubernetesAccessError.self) {
            try KubernetesAccess.kubeconfig(path: path, context: "nope")
        }
        #expect(unknown.key == "contexts")
        #expect(unknown.message.contains("\"nope\""))

        let noCurrent = try write("apiVersion: v1\nkind: Config\nclusters: []\n", in: directory)
        let missing = try #require(throws: KubernetesAccessError.self) {
            try KubernetesAccess.kubeconfig(path: noCurrent)
        }
        #expect(missing.key == "current-context")

        let absent = try #require(throws: KubernetesAccessError.self) {
            try KubernetesAccess.kubeconfig(path: directory.path + "/absent")
        }
        #expect(absent.file == directory.path + "/absent")
        #expect(absent.message.contains("does not exist"))
    }

    @Test func invalidYAMLGivesThePositionButNotTheLine() throws {
        let directory = try TemporaryDirectory()
        let path = try write("users:\n- name: u\n  user:\n    token: \"\(Self.secretToken)\n  : [\n", in: directory)
        let error = try #require(throws: KubernetesAccessError.self) { try KubernetesAccess.kubeconfig(path: path) }
        #expect(error.message.hasPrefix("is not valid YAML"))
        #expect(error.message.contains("line"))
        #expect(!error.description.contains(Self.secretToken))
    }
}
