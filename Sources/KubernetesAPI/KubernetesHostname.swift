/// How hostnames are compared: AWS writes `DNSName` in lowercase, Kubernetes copies it as the controller saw it, and
/// a fully qualified name may end with a dot.
public enum KubernetesHostname {
    /// `hostname` in ASCII lowercase without one trailing dot, the form the directory indexes and looks up.
    ///
    /// Only ASCII letters are folded: DNS names are ASCII (IDNs travel as punycode), and folding only ASCII keeps this
    /// free of locale and Unicode tables.
    /// - Parameter hostname: A hostname as Kubernetes or AWS wrote it.
    /// - Returns: The normalised hostname (empty when `hostname` is empty or a single dot).
    public static func normalized(_ hostname: String) -> String {
        var bytes = Array(hostname.utf8)
        if bytes.last == UInt8(ascii: ".") { bytes.removeLast() }
        var changed = false
        for index in bytes.indices where (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(bytes[index]) {
            bytes[index] += 32
            changed = true
        }
        if !changed && bytes.count == hostname.utf8.count { return hostname }
        return String(decoding: bytes, as: UTF8.self)
    }
}
