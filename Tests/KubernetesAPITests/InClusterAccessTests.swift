import Foundation
import Testing

@testable import KubernetesAPI

/// In-cluster access from an injected environment and service account directory.
@Suite struct InClusterAccessTests {
    static func serviceAccount(token: String? = "sa-token\n", ca: String?) throws -> TemporaryDirectory {
        let root = try TemporaryDirectory()
        let directory = KubernetesAccess.serviceAccountDirectory
        if let token { try root.write("\(directory)/token", token) }
        if let ca { try root.write("\(directory)/ca.crt", ca) }
        try root.write("\(directory)/namespace", "monitoring")
        return root
    }

    @Test(arguments: [
        ("10.96.0.1", "443", "https://10.96.0.1:443"),
        ("fd00:10:96::1", "443", "https://[fd00:10:96::1]:443"),
        ("kubernetes.default.svc", "6443", "https://kubernetes.default.svc:6443"),
    ])
    func serverFromTheEnvironment(host: String, port: String, expected: String) async throws {
        let certificates = try await TestCertificates.get()
        let root = try Self.serviceAccount(ca: certificates.authorityPEM)
        let access = try KubernetesAccess.inCluster(
            environment: ["KUBERNETES_SERVICE_HOST": host, "KUBERNETES_SERVICE_PORT": port],
            fileSystemRoot: root.path
        )
        #expect(access.serverURL == expected)
        #expect(access.origin == "in-cluster")
        #expect(access.certificateAuthorityPEM == Array(certificates.authorityPEM.utf8))
        let tokenPath = root.path + "/var/run/secrets/kubernetes.io/serviceaccount/token"
        guard case .file(let path) = access.credentials.bearerToken else {
            Issue.record("expected the token file, got \(access.credentials)")
            return
        }
        #expect(path == tokenPath)
        #expect(!access.description.contains("sa-token"))
    }

    @Test func missingPiecesAreNamed() async throws {
        let certificates = try await TestCertificates.get()
        let complete = try Self.serviceAccount(ca: certificates.authorityPEM)
        let environment = ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"]

        let noHost = try #require(throws: KubernetesAccessError.self) {
            try KubernetesAccess.inCluster(environment: [:], fileSystemRoot: complete.path)
        }
        #expect(noHost.key == "KUBERNETES_SERVICE_HOST")

        for badPort in ["", "https", "0", "65536", "-1", "99999999999999999999999"] {
            var bad = environment
            bad["KUBERNETES_SERVICE_PORT"] = badPort
            let error = try #require(throws: KubernetesAccessError.self) {
                try KubernetesAccess.inCluster(environment: bad, fileSystemRoot: complete.path)
            }
            #expect(error.key == "KUBERNETES_SERVICE_PORT", "port \(badPort)")
        }

        var injected = environment
        injected["KUBERNETES_SERVICE_HOST"] = "evil.example.com/path?"
        #expect(throws: KubernetesAccessError.self) {
            try KubernetesAccess.inCluster(environment: injected, fileSystemRoot: complete.path)
        }

        let noToken = try Self.serviceAccount(token: nil, ca: certificates.authorityPEM)
        let tokenError = try #require(throws: KubernetesAccessError.self) {
            try KubernetesAccess.inCluster(environment: environment, fileSystemRoot: noToken.path)
        }
        #expect(tokenError.file?.hasSuffix("serviceaccount/token") == true)

        let emptyToken = try Self.serviceAccount(token: "\n", ca: certificates.authorityPEM)
        let emptyError = try #require(throws: KubernetesAccessError.self) {
            try KubernetesAccess.inCluster(environment: environment, fileSystemRoot: emptyToken.path)
        }
        #expect(emptyError.message.contains("empty"))

        let noCA = try Self.serviceAccount(ca: nil)
        let caError = try #require(throws: KubernetesAccessError.self) {
            try KubernetesAccess.inCluster(environment: environment, fileSystemRoot: noCA.path)
        }
        #expect(caError.file?.hasSuffix("serviceaccount/ca.crt") == true)

        let badCA = try Self.serviceAccount(ca: "not a certificate")
        let badCAError = try #require(throws: KubernetesAccessError.self) {
            try KubernetesAccess.inCluster(environment: environment, fileSystemRoot: badCA.path)
        }
        #expect(badCAError.file?.hasSuffix("serviceaccount/ca.crt") == true)
    }
}
