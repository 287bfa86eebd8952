/// Why the API server cannot be reached as configured: the file, the key in it and what is wrong with it.
///
/// Messages never contain a token, a key or the content of a credential file.
public struct KubernetesAccessError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file the problem is in (kubeconfig, token, CA, …), or nil when it is not about a file.
    public var file: String?
    /// The key or variable at fault, e.g. `users[name=admin].user.exec` or `KUBERNETES_SERVICE_HOST`.
    public var key: String?
    /// What is wrong, in a sentence.
    public var message: String

    /// Creates the error.
    /// - Parameters:
    ///   - file: The file the problem is in.
    ///   - key: The key or variable at fault.
    ///   - message: What is wrong.
    public init(file: String? = nil, key: String? = nil, message: String) {
        self.file = file
        self.key = key
        self.message = message
    }

    /// `file: key: message`, leaving out the parts that are nil.
    public var description: String {
        [file, key, message].compactMap { $0 }.joined(separator: ": ")
    }
}
