extension KubernetesAccess {
    /// The API server, certificate authority and credentials of a kubeconfig context.
    ///
    /// Reads the subset described in ``KubeconfigReader``: static tokens, token files (re-read while running), client
    /// certificates and certificate authorities, inline or in files. Credential plugins and disabled TLS
    /// verification are refused.
    /// - Parameters:
    ///   - path: The kubeconfig file.
    ///   - context: The context to use; nil for the file's `current-context`.
    /// - Returns: The access for that context.
    /// - Throws: ``KubernetesAccessError`` naming the file, the key (e.g. `users[name=admin].user.exec`) and the
    ///   problem; never a token or a key.
    public static func kubeconfig(path: String, context: String? = nil) throws(KubernetesAccessError)
        -> KubernetesAccess
    {
        try KubeconfigReader.access(path: path, context: context)
    }
}
