import FoundationEssentials

extension KubernetesAccess {
    /// Where a pod's service account credentials are mounted.
    public static let serviceAccountDirectory = "var/run/secrets/kubernetes.io/serviceaccount"

    /// The API server as seen from inside a pod: `KUBERNETES_SERVICE_HOST` and `KUBERNETES_SERVICE_PORT`, the
    /// service account's token (a file the kubelet rotates; re-read while running) and its CA (`ca.crt`).
    ///
    /// - Parameters:
    ///   - environment: The process environment (injectable for tests).
    ///   - fileSystemRoot: The directory `var/run/secrets/kubernetes.io/serviceaccount` is under; `/` in a pod.
    /// - Returns: The access, with the token file as credentials.
    /// - Throws: ``KubernetesAccessError`` naming the missing variable or unreadable file.
    public static func inCluster(
        environment: [String: String],
        fileSystemRoot: String = "/"
    ) throws(KubernetesAccessError) -> KubernetesAccess {
        guard let host = environment["KUBERNETES_SERVICE_HOST"]?.trimmingASCIIWhitespace(), !host.isEmpty else {
            throw KubernetesAccessError(
                key: "KUBERNETES_SERVICE_HOST",
                message: "is not set: not running in a Kubernetes pod (use a kubeconfig file instead)"
            )
        }
        guard let portText = environment["KUBERNETES_SERVICE_PORT"]?.trimmingASCIIWhitespace(), !portText.isEmpty
        else {
            throw KubernetesAccessError(key: "KUBERNETES_SERVICE_PORT", message: "is not set")
        }
        guard let port = KubernetesServerURL.port(portText) else {
            throw KubernetesAccessError(key: "KUBERNETES_SERVICE_PORT", message: "must be a number from 1 to 65535")
        }
        let isIPv6 = host.contains(":")
        guard isIPv6 ? KubernetesServerURL.isIPv6Literal(host) : KubernetesServerURL.isHostName(host) else {
            throw KubernetesAccessError(
                key: "KUBERNETES_SERVICE_HOST",
                message: "is not a host name or an IP address"
            )
        }
        let directory = LocalFile.join(fileSystemRoot, serviceAccountDirectory)
        let tokenPath = LocalFile.join(directory, "token")
        let caPath = LocalFile.join(directory, "ca.crt")
        // Read the token once now so that a pod without a mounted token fails at start with a clear message.
        _ = try BearerTokenSource.readToken(path: tokenPath)
        let certificateAuthority = try LocalFile.read(caPath, limit: LocalFile.certificateLimit)
        do throws(KubernetesAccessError) {
            return try KubernetesAccess(
                server: KubernetesServerURL(scheme: .https, host: host, port: port),
                certificateAuthorityPEM: certificateAuthority,
                credentials: KubernetesCredentials(bearerToken: .file(path: tokenPath)),
                origin: "in-cluster"
            )
        } catch {
            throw KubernetesAccessError(file: caPath, key: error.key, message: error.message)
        }
    }
}
