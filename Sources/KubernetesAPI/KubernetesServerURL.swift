/// The API server's address, parsed strictly: `http` or `https`, a host name, IPv4 or bracketed IPv6 address, an
/// optional port and an optional path prefix (for API servers behind a proxy that mounts them under a path).
struct KubernetesServerURL: Sendable, Hashable, CustomStringConvertible {
    enum Scheme: String, Sendable {
        case http
        case https
    }

    let scheme: Scheme
    /// The host without brackets (`fd00::1`, not `[fd00::1]`).
    let host: String
    let port: Int
    /// Empty, or a path starting with `/` and not ending with one.
    let pathPrefix: String

    init(scheme: Scheme, host: String, port: Int, pathPrefix: String = "") {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.pathPrefix = pathPrefix
    }

    /// Parses `url`, or throws a sentence saying what is wrong with it.
    init(parsing url: String) throws(KubernetesAccessError) {
        let text = url.trimmingASCIIWhitespace()
        let scheme: Scheme
        let rest: Substring
        if text.hasPrefix("https://") {
            scheme = .https
            rest = text.dropFirst("https://".count)
        } else if text.hasPrefix("http://") {
            scheme = .http
            rest = text.dropFirst("http://".count)
        } else {
            throw KubernetesAccessError(message: "the server URL must start with https:// (got \"\(text.prefix(80))\")")
        }
        let authority = rest.prefix { $0 != "/" }
        var path = String(rest.dropFirst(authority.count))
        guard !path.contains("?"), !path.contains("#") else {
            throw KubernetesAccessError(message: "the server URL must not have a query or a fragment")
        }
        while path.hasSuffix("/") { path.removeLast() }
        guard !authority.contains("@") else {
            throw KubernetesAccessError(message: "the server URL must not contain user information")
        }
        let host: String
        let portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw KubernetesAccessError(message: "the server URL has an IPv6 address without its closing ]")
            }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if after.isEmpty {
                portText = nil
            } else if after.hasPrefix(":") {
                portText = after.dropFirst()
            } else {
                throw KubernetesAccessError(message: "the server URL has text after its IPv6 address")
            }
            guard Self.isIPv6Literal(host) else {
                throw KubernetesAccessError(message: "the server URL's IPv6 address is not valid")
            }
        } else {
            let parts = authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            host = String(parts.first ?? "")
            portText = parts.count > 1 ? parts[1] : nil
            guard Self.isHostName(host) else {
                throw KubernetesAccessError(message: "the server URL has no valid host name")
            }
        }
        var port = scheme == .https ? 443 : 80
        if let portText {
            guard let parsed = Self.port(portText) else {
                throw KubernetesAccessError(message: "the server URL's port must be a number from 1 to 65535")
            }
            port = parsed
        }
        self.init(scheme: scheme, host: host, port: port, pathPrefix: path)
    }

    /// `scheme://host:port/prefix`, with an IPv6 host in brackets.
    var description: String {
        "\(scheme.rawValue)://\(hostForURL):\(port)\(pathPrefix)"
    }

    /// The host as it appears in a URL: IPv6 addresses bracketed.
    var hostForURL: String { host.contains(":") ? "[\(host)]" : host }

    /// Whether the host is `localhost` or a loopback address: the only place plain HTTP is accepted from a
    /// kubeconfig (`kubectl proxy`), because a bearer token must not cross a network in the clear.
    var isLoopback: Bool {
        host == "localhost" || host.hasPrefix("127.") || host == "::1"
    }

    /// A port number, 1...65535, from decimal digits only (no sign, no spaces); nil otherwise.
    static func port(_ text: some StringProtocol) -> Int? {
        guard (1...5).contains(text.utf8.count),
            text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            let value = Int(text), (1...65535).contains(value)
        else { return nil }
        return value
    }

    /// Letters, digits, `.`, `-` and `_`: DNS names and IPv4 addresses. Nothing that could change the URL's meaning.
    static func isHostName(_ host: String) -> Bool {
        guard (1...253).contains(host.utf8.count) else { return false }
        return host.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "_"):
                true
            default: false
            }
        }
    }

    /// Hex digits, `:` and `.` (for an embedded IPv4 part), with at least two colons.
    static func isIPv6Literal(_ host: String) -> Bool {
        guard (2...45).contains(host.utf8.count), host.utf8.filter({ $0 == UInt8(ascii: ":") }).count >= 2 else {
            return false
        }
        return host.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: ":"), UInt8(ascii: "."):
                true
            default: false
            }
        }
    }
}
