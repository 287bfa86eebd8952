import FoundationEssentials
import YAMLDocument

/// Reads the subset of a kubeconfig file this exporter supports and turns the chosen context into a
/// ``KubernetesAccess``.
///
/// Supported: `current-context`, `contexts[].context.{cluster,user}`, `clusters[].cluster.{server,
/// certificate-authority, certificate-authority-data, insecure-skip-tls-verify}` and `users[].user.{token, tokenFile,
/// client-certificate, client-certificate-data, client-key, client-key-data}`. Relative file paths are relative to the
/// kubeconfig's directory, as kubectl reads them. Credential plugins (`exec`, `auth-provider`), basic auth,
/// impersonation, proxies and turning TLS verification off are refused with an error naming the key.
struct KubeconfigReader {
    let path: String
    private let directory: String

    private init(path: String) {
        self.path = path
        self.directory = LocalFile.directory(of: path)
    }

    /// Reads `path` and builds the access for `context` (or the file's `current-context`).
    static func access(path: String, context: String?) throws(KubernetesAccessError) -> KubernetesAccess {
        try KubeconfigReader(path: path).access(context: context)
    }

    private func access(context requested: String?) throws(KubernetesAccessError) -> KubernetesAccess {
        let bytes = try LocalFile.read(path, limit: LocalFile.certificateLimit)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw error(nil, "is not UTF-8 text")
        }
        let composed: YAMLNode?
        do {
            composed = try Self.composer.compose(text)
        } catch {
            // The problem's text is libyaml's, but the line may hold a token: give the position only.
            throw self.error(nil, "is not valid YAML at line \(error.mark.line), column \(error.mark.column)")
        }
        guard let root = composed else { throw error(nil, "is empty") }
        guard root.mapping != nil else { throw error(nil, "is not a YAML mapping") }

        let contextName: String
        if let requested, !requested.isEmpty {
            contextName = requested
        } else if let current = root["current-context"]?.scalar?.value, !current.isEmpty {
            contextName = current
        } else {
            throw error("current-context", "is not set, and no context was chosen")
        }
        let (context, contextKey) = try namedEntry(root, list: "contexts", name: contextName, field: "context")
        guard let clusterName = context["cluster"]?.scalar?.value, !clusterName.isEmpty else {
            throw error("\(contextKey).cluster", "is missing")
        }
        let (cluster, clusterKey) = try namedEntry(root, list: "clusters", name: clusterName, field: "cluster")
        var credentials = KubernetesCredentials()
        if let userName = context["user"]?.scalar?.value, !userName.isEmpty {
            let (user, userKey) = try namedEntry(root, list: "users", name: userName, field: "user")
            credentials = try readCredentials(user, key: userKey)
        }

        try refuse(
            cluster,
            clusterKey,
            keys: [
                "tls-server-name": "is not supported: the server's certificate must name the host in `server`",
                "proxy-url": "is not supported: the exporter connects to the API server directly",
            ]
        )
        if let insecure = cluster["insecure-skip-tls-verify"], Self.isFalse(insecure) == false {
            throw error(
                "\(clusterKey).insecure-skip-tls-verify",
                "is refused: TLS to the API server is always verified; give certificate-authority or "
                    + "certificate-authority-data instead"
            )
        }
        guard let serverText = cluster["server"]?.scalar?.value, !serverText.isEmpty else {
            throw error("\(clusterKey).server", "is missing")
        }
        let server: KubernetesServerURL
        do throws(KubernetesAccessError) {
            server = try KubernetesServerURL(parsing: serverText)
        } catch {
            throw self.error("\(clusterKey).server", error.message)
        }
        guard server.scheme == .https || server.isLoopback else {
            throw error(
                "\(clusterKey).server",
                "uses plain http:// to a host that is not loopback; only https:// is accepted there"
            )
        }
        let certificateAuthority = try pem(
            cluster,
            clusterKey,
            dataKey: "certificate-authority-data",
            fileKey: "certificate-authority"
        )
        let origin = "kubeconfig \(path) (context \(contextName))"
        do throws(KubernetesAccessError) {
            return try KubernetesAccess(
                server: server,
                certificateAuthorityPEM: certificateAuthority,
                credentials: credentials,
                origin: origin
            )
        } catch {
            let section =
                error.key == "certificate-authority"
                ? clusterKey : "users[name=\(context["user"]?.scalar?.value ?? "")].user"
            throw self.error("\(section).\(error.key ?? "")", error.message)
        }
    }

    private func readCredentials(_ user: YAMLNode, key userKey: String) throws(KubernetesAccessError)
        -> KubernetesCredentials
    {
        try refuse(
            user,
            userKey,
            keys: [
                "exec": "is not supported: credential plugins are not run by the exporter; use a token, a tokenFile or "
                    + "a client certificate (in a cluster, the service account)",
                "auth-provider": "is not supported: auth provider plugins are not run by the exporter; use a token, a "
                    + "tokenFile or a client certificate",
                "username":
                    "is not supported: basic authentication is not accepted; use a token or a client certificate",
                "password":
                    "is not supported: basic authentication is not accepted; use a token or a client certificate",
                "as": "is not supported: impersonation is not available",
                "as-groups": "is not supported: impersonation is not available",
                "as-uid": "is not supported: impersonation is not available",
                "as-user-extra": "is not supported: impersonation is not available",
            ]
        )
        var credentials = KubernetesCredentials()
        // As in client-go, a token file wins over an inline token: the file is the one that is kept fresh.
        if let tokenFile = user["tokenFile"]?.scalar?.value, !tokenFile.isEmpty {
            let tokenPath = LocalFile.join(directory, tokenFile)
            do throws(KubernetesAccessError) {
                _ = try BearerTokenSource.readToken(path: tokenPath)
            } catch {
                throw self.error("\(userKey).tokenFile", "\(tokenPath) \(error.message)")
            }
            credentials.bearerToken = .file(path: tokenPath)
        } else if let token = user["token"]?.scalar?.value, !token.isEmpty {
            guard BearerTokenSource.isHeaderSafe(token) else {
                throw error("\(userKey).token", "holds characters a token cannot have")
            }
            credentials.bearerToken = .value(token)
        }
        let certificate = try pem(user, userKey, dataKey: "client-certificate-data", fileKey: "client-certificate")
        let key = try pem(user, userKey, dataKey: "client-key-data", fileKey: "client-key")
        switch (certificate, key) {
        case (let certificate?, let key?):
            credentials.clientCertificate = .init(certificateChainPEM: certificate, privateKeyPEM: key)
        case (.some, nil):
            throw error("\(userKey).client-key", "is missing: a client certificate needs its key")
        case (nil, .some):
            throw error("\(userKey).client-certificate", "is missing: a client key needs its certificate")
        case (nil, nil):
            break
        }
        return credentials
    }

    /// The entry of `list` whose `name` is `name`, and its `field` mapping, with the key path for messages.
    private func namedEntry(
        _ root: YAMLNode,
        list: String,
        name: String,
        field: String
    ) throws(KubernetesAccessError) -> (YAMLNode, String) {
        guard let entries = root[list]?.sequence else {
            throw error(list, "is missing or not a list, and it must name \"\(name)\"")
        }
        guard let entry = entries.first(where: { $0["name"]?.scalar?.value == name }) else {
            throw error(list, "has no entry named \"\(name)\"")
        }
        let key = "\(list)[name=\(name)].\(field)"
        guard let value = entry[field], value.mapping != nil else {
            throw error(key, "is missing or not a mapping")
        }
        return (value, key)
    }

    /// PEM bytes from `dataKey` (base64, wins as in kubectl) or from the file `fileKey` names; nil when neither is set.
    private func pem(
        _ node: YAMLNode,
        _ section: String,
        dataKey: String,
        fileKey: String
    ) throws(KubernetesAccessError) -> [UInt8]? {
        if let encoded = node[dataKey]?.scalar?.value, !encoded.isEmpty {
            guard let data = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters), !data.isEmpty else {
                throw error("\(section).\(dataKey)", "is not base64")
            }
            return [UInt8](data)
        }
        if let file = node[fileKey]?.scalar?.value, !file.isEmpty {
            let filePath = LocalFile.join(directory, file)
            do throws(KubernetesAccessError) {
                return try LocalFile.read(filePath, limit: LocalFile.certificateLimit)
            } catch {
                throw self.error("\(section).\(fileKey)", "\(filePath) \(error.message)")
            }
        }
        return nil
    }

    private func refuse(_ node: YAMLNode, _ section: String, keys: [String: String]) throws(KubernetesAccessError) {
        for (key, message) in keys.sorted(by: { $0.key < $1.key }) where node[key] != nil {
            throw error("\(section).\(key)", message)
        }
    }

    /// Duplicate keys are refused, as client-go's YAML reader refuses them; keys are compared by their text.
    private static let composer = YAMLComposer(
        duplicateKeys: .reject(scalarType: { scalar in
            scalar.tag == nil || scalar.tag == YAMLScalar.nonSpecificTag ? YAMLScalar.stringTag : scalar.tag ?? ""
        })
    )

    /// Whether `node` is a plain YAML boolean false (`false`, `no`, `off`, in the usual cases): anything else, a true
    /// or a value that is no boolean, counts as asking for the setting.
    private static func isFalse(_ node: YAMLNode) -> Bool {
        guard let scalar = node.scalar, scalar.isPlainUntagged || scalar.tag == "tag:yaml.org,2002:bool" else {
            return false
        }
        return ["false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"].contains(scalar.value)
    }

    private func error(_ key: String?, _ message: String) -> KubernetesAccessError {
        KubernetesAccessError(file: path, key: key, message: message)
    }

}
